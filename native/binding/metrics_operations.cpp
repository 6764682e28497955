// The metrics' operations (their fields are listed in metrics_operations.hpp).
#include "metrics_operations.hpp"

#include <string>

namespace kmn::binding {

// --- silhouette --------------------------------------------------------------------------

template <typename T>
bool SilhouetteOperation<T>::parse(Request& request) {
  Napi::Env env = request.env();
  if (!this->parse_data(request) || !request.integer("k", 1, &k)) return false;
  int32_t* writable_labels = nullptr;
  if (!array_of(request, "labels", this->data.n, &writable_labels)) return false;
  for (int64_t i = 0; i < this->data.n; ++i)
    KMN_REQUIRE(env, writable_labels[i] >= 0 && writable_labels[i] < k, "labels must be in [0, k)");
  labels = writable_labels;
  std::string name;
  if (!request.string("metric", &name)) return false;
  KMN_REQUIRE(env, parse_pair_distance(name, &metric),
              "metric must be 'euclidean', 'sqeuclidean', 'cosine' or 'manhattan'");
  m = this->data.n;
  if (request.has("indices")) {
    int32_t* writable_indices = nullptr;
    size_t length = 0;
    if (!request.typed_array("indices", &writable_indices, &length)) return false;
    for (size_t p = 0; p < length; ++p)
      KMN_REQUIRE(env, writable_indices[p] >= 0 && writable_indices[p] < this->data.n, "indices must be row indices");
    indices = writable_indices;
    m = static_cast<int64_t>(length);
  }
  return array_of(request, "out", m, &out);
}

template <typename T>
Status SilhouetteOperation<T>::execute() {
  return silhouette_samples(this->data, labels, k, indices, m, metric, this->threads, this->controls.cancel(), out,
                            &zero_row);
}

template struct SilhouetteOperation<float>;
template struct SilhouetteOperation<double>;

}  // namespace kmn::binding

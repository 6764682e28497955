// Registers the addon's exports; the work lives in operations.cpp and the kernels.
// Every operation comes as a pair: name(request) runs on the calling thread, and
// nameAsync(request) returns a Promise and runs on the libuv thread pool.
#include <napi.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "../kernels/algorithms/algorithms.hpp"
#include "../kernels/common/tile_kernel.hpp"
#include "metrics_operations.hpp"
#include "operations.hpp"
#include "parallel_seeding_operations.hpp"
#include "run_operation.hpp"
#include "sparse_operations.hpp"

namespace kmn::binding {
namespace {

// Exports name and nameAsync, and adds the operation's request schema to `schema`.
template <template <typename> class Operation>
void export_pair(Napi::Env env, Napi::Object exports, const char* name) {
  const std::vector<std::string>& fields = schema_of<Operation<double>>();
  Napi::Array list = Napi::Array::New(env, fields.size());
  for (size_t i = 0; i < fields.size(); ++i) list.Set(static_cast<uint32_t>(i), Napi::String::New(env, fields[i]));
  exports.Get("schema").As<Napi::Object>().Set(name, list);
  exports.Set(name, Napi::Function::New(
                        env, [](const Napi::CallbackInfo& info) { return run_for_dtype<Operation>(info, false); }, name));
  const std::string async_name = std::string(name) + "Async";
  exports.Set(async_name, Napi::Function::New(
                              env, [](const Napi::CallbackInfo& info) { return run_for_dtype<Operation>(info, true); },
                              async_name));
}

Napi::Value info(const Napi::CallbackInfo& callback_info) {
  Napi::Env env = callback_info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("simd", Napi::String::New(env, simd_name()));
  const std::vector<std::string> names = algorithm_names();
  Napi::Array algorithms = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) algorithms.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  out.Set("algorithms", algorithms);
#ifdef _OPENMP
  out.Set("openmp", Napi::Boolean::New(env, true));
  out.Set("maxThreads", Napi::Number::New(env, omp_get_max_threads()));
#else
  out.Set("openmp", Napi::Boolean::New(env, false));
  out.Set("maxThreads", Napi::Number::New(env, 1));
#endif
  return out;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Each operation's request fields, by operation name.
  exports.Set("schema", Napi::Object::New(env));
  export_pair<FitOperation>(env, exports, "fit");
  export_pair<AssignOperation>(env, exports, "assign");
  export_pair<TransformOperation>(env, exports, "transform");
  export_pair<ClusterMeansOperation>(env, exports, "clusterMeans");
  export_pair<ColumnStatsOperation>(env, exports, "columnStats");
  export_pair<FirstOutOfRangeOperation>(env, exports, "firstOutOfRange");
  export_pair<PlusPlusOperation>(env, exports, "plusPlus");
  export_pair<MiniBatchStepOperation>(env, exports, "miniBatchStep");
  export_pair<UnitRowsOperation>(env, exports, "unitRows");
  export_pair<WhitenOperation>(env, exports, "whiten");
  export_pair<SeedCentersOperation>(env, exports, "seedCenters");
  export_pair<RandomDrawsOperation>(env, exports, "randomDraws");
  export_pair<CovarianceOperation>(env, exports, "covariance");
  export_pair<PassChunkOperation>(env, exports, "passChunk");
  export_pair<FarthestRowsOperation>(env, exports, "farthestRows");
  export_pair<UpdateCentersOperation>(env, exports, "updateCenters");
  export_pair<InertiaOperation>(env, exports, "inertia");
  export_pair<WeightedRowDrawOperation>(env, exports, "weightedRowDraw");
  export_pair<CandidateCostOperation>(env, exports, "candidateCost");
  export_pair<SampleCandidatesOperation>(env, exports, "sampleCandidates");
  export_pair<CandidateWeightsOperation>(env, exports, "candidateWeights");
  export_pair<SilhouetteOperation>(env, exports, "silhouette");
  export_pair<SparseFitOperation>(env, exports, "sparseFit");
  export_pair<SparseAssignOperation>(env, exports, "sparseAssign");
  export_pair<SparsePlusPlusOperation>(env, exports, "sparsePlusPlus");
  exports.Set("info", Napi::Function::New(env, info, "info"));
  return exports;
}

}  // namespace
}  // namespace kmn::binding

static Napi::Object init_addon(Napi::Env env, Napi::Object exports) { return kmn::binding::init(env, exports); }

NODE_API_MODULE(kmeans_native, init_addon)

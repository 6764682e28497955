// Typed accessors that read a request object's fields. Option keys are spelled as in the
// TypeScript facade (src/binding.ts). Typed arrays are read in place: the request keeps a
// reference to each one so that it stays alive while a worker thread uses its memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"

namespace kmn::binding {

template <typename T> constexpr napi_typedarray_type typed_array_type();
template <> constexpr napi_typedarray_type typed_array_type<double>() { return napi_float64_array; }
template <> constexpr napi_typedarray_type typed_array_type<float>() { return napi_float32_array; }
template <> constexpr napi_typedarray_type typed_array_type<int32_t>() { return napi_int32_array; }
template <> constexpr napi_typedarray_type typed_array_type<uint32_t>() { return napi_uint32_array; }
template <> constexpr napi_typedarray_type typed_array_type<int64_t>() { return napi_bigint64_array; }

class Request {
 public:
  // `schema`: the fields the operation's request may hold (its one schema, which the addon also
  // reports): parse may read no other, and a request holding another is refused.
  Request(Napi::Object object, const std::vector<std::string>& schema)
      : object_(object), schema_(schema), env_(object.Env()) {}

  // Whether every field the request holds (other than undefined) is in the schema; else throws.
  bool only_schema_fields() {
    Napi::Array keys = object_.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      const std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
      KMN_REQUIRE(env_, in_schema(key) || object_.Get(key).IsUndefined(),
                  "unknown request field " + key + " (not in the operation's schema)");
    }
    return true;
  }

  Napi::Env env() const { return env_; }

  bool has(const char* key) const {
    Napi::Value value = field(key);
    return !value.IsUndefined() && !value.IsNull();
  }

  // Whether the field holds a typed array of element type T (for fields that take one of two types).
  template <typename T>
  bool holds(const char* key) const {
    Napi::Value value = field(key);
    return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == typed_array_type<T>();
  }

  // A typed array of element type T, with its length. Returns false (with a JS exception
  // pending) if absent, of another type or detached.
  template <typename T>
  bool typed_array(const char* key, T** data, size_t* length) {
    return typed_array_value(field(key), key, data, length);
  }

  // An array of typed arrays of element type T (column-major data: one per feature).
  template <typename T>
  bool typed_array_list(const char* key, std::vector<T*>* data, size_t* length) {
    Napi::Value value = field(key);
    KMN_REQUIRE(env_, value.IsArray(), std::string("request field ") + key + " must be an array of typed arrays");
    Napi::Array list = value.As<Napi::Array>();
    data->assign(list.Length(), nullptr);
    *length = 0;
    for (uint32_t i = 0; i < list.Length(); ++i) {
      size_t each = 0;
      if (!typed_array_value(list.Get(i), key, &(*data)[i], &each)) return false;
      KMN_REQUIRE(env_, i == 0 || each == *length, std::string("request field ") + key + " holds arrays of different lengths");
      *length = each;
    }
    return true;
  }

  // A function, or an empty handle when the field is absent.
  bool optional_function(const char* key, Napi::Function* out) {
    if (!has(key)) return true;
    Napi::Value value = field(key);
    KMN_REQUIRE(env_, value.IsFunction(), std::string("request field ") + key + " must be a function");
    *out = value.As<Napi::Function>();
    return true;
  }

  // Same, but null or undefined gives a null pointer.
  template <typename T>
  bool optional_typed_array(const char* key, T** data, size_t* length) {
    if (!has(key)) {
      *data = nullptr;
      *length = 0;
      return true;
    }
    return typed_array(key, data, length);
  }

  bool integer(const char* key, int64_t min, int64_t* out) {
    Napi::Value value = field(key);
    KMN_REQUIRE(env_, value.IsNumber(), std::string("request field ") + key + " must be a number");
    const double number = value.As<Napi::Number>().DoubleValue();
    KMN_REQUIRE(env_, number >= static_cast<double>(min) && number <= 9007199254740991.0 &&
                          number == static_cast<double>(static_cast<int64_t>(number)),
                std::string("request field ") + key + " must be an integer >= " + std::to_string(min));
    *out = static_cast<int64_t>(number);
    return true;
  }

  bool number(const char* key, double* out) {
    Napi::Value value = field(key);
    KMN_REQUIRE(env_, value.IsNumber(), std::string("request field ") + key + " must be a number");
    *out = value.As<Napi::Number>().DoubleValue();
    return true;
  }

  bool string(const char* key, std::string* out) {
    Napi::Value value = field(key);
    KMN_REQUIRE(env_, value.IsString(), std::string("request field ") + key + " must be a string");
    *out = value.As<Napi::String>().Utf8Value();
    return true;
  }

  // Absent (or undefined) leaves *out unchanged.
  bool optional_boolean(const char* key, bool* out) {
    Napi::Value value = field(key);
    if (value.IsUndefined()) return true;
    KMN_REQUIRE(env_, value.IsBoolean(), std::string("request field ") + key + " must be a boolean");
    *out = value.As<Napi::Boolean>().Value();
    return true;
  }

  bool threads(int* out) {
    int64_t threads = 1;
    if (!integer("threads", 1, &threads)) return false;
    *out = static_cast<int>(threads > 4096 ? 4096 : threads);
    return true;
  }

  // References that keep the request's arrays alive; moved into the operation.
  std::vector<Napi::Reference<Napi::Value>> take_references() { return std::move(keep_alive_); }

 private:
  bool in_schema(const std::string& key) const {
    for (const std::string& known : schema_)
      if (known == key) return true;
    return false;
  }

  // The field `key`, which must be in the schema (reading another is a bug of the addon's).
  Napi::Value field(const char* key) const {
    if (!in_schema(key)) Napi::Error::Fatal("kmeans-native", (std::string("read outside the schema: ") + key).c_str());
    return object_.Get(key);
  }

  template <typename T>
  bool typed_array_value(Napi::Value value, const char* key, T** data, size_t* length) {
    KMN_REQUIRE(env_, value.IsTypedArray(), std::string("request field ") + key + " must be a typed array");
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    KMN_REQUIRE(env_, array.TypedArrayType() == typed_array_type<T>(),
                std::string("request field ") + key + " has the wrong element type");
    if (array.ArrayBuffer().IsDetached()) {
      make_error(env_, "ERR_KMEANS_DETACHED_BUFFER",
                 "An input array's ArrayBuffer was detached (transferred, e.g. by postMessage or structuredClone) "
                 "while a call was using it: keep the arrays in place until the call has settled")
          .ThrowAsJavaScriptException();
      return false;
    }
    *data = array.As<Napi::TypedArrayOf<T>>().Data();
    *length = array.ElementLength();
    keep_alive_.push_back(Napi::Persistent(value));
    return true;
  }

  Napi::Object object_;
  const std::vector<std::string>& schema_;
  Napi::Env env_;
  std::vector<Napi::Reference<Napi::Value>> keep_alive_;
};

// A typed array of exactly `count` elements of type U.
template <typename U>
bool array_of(Request& request, const char* key, int64_t count, U** out) {
  size_t length = 0;
  if (!request.typed_array(key, out, &length)) return false;
  KMN_REQUIRE(request.env(), length == static_cast<size_t>(count), std::string(key) + " has the wrong length");
  return true;
}

}  // namespace kmn::binding

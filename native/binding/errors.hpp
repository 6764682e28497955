// Errors raised by the addon carry a stable `code`; the TypeScript facade turns them into
// KMeansError (with the caller's stack) and keeps the native error as `cause`.
#pragma once

#include <napi.h>

#include "../kernels/common/status.hpp"

namespace kmn::binding {

inline Napi::Error make_error(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Value().Set("code", Napi::String::New(env, code));
  return error;
}

inline Napi::Error status_error(Napi::Env env, Status status) {
  switch (status) {
    case Status::kAllocFailed:
      return make_error(env, "ERR_KMEANS_ALLOC", "Not enough memory for the k-means buffers");
    case Status::kSizeOverflow:
      return make_error(env, "ERR_KMEANS_TOO_LARGE", "The data is too large: a buffer size overflows");
    case Status::kCancelled:
      return make_error(env, "ERR_KMEANS_ABORTED", "The fit was aborted");
    case Status::kUnknownAlgorithm:
      return make_error(env, "ERR_KMEANS_INVALID_REQUEST", "Unknown algorithm name");
    default:
      return make_error(env, "ERR_KMEANS_INTERNAL", "Unexpected native status");
  }
}

// Guard for malformed requests (the facade validates everything first, so these indicate a
// bug, not bad user input). Throws and makes the caller return.
#define KMN_REQUIRE(env, condition, message)                                              \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      ::kmn::binding::make_error(env, "ERR_KMEANS_INVALID_REQUEST", message).ThrowAsJavaScriptException(); \
      return false;                                                                       \
    }                                                                                     \
  } while (0)

}  // namespace kmn::binding

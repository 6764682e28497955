// Outcome of a kernel or driver call. Kernels never throw (nothing may leave an OpenMP
// region); the binding maps each status to a stable error code.
#pragma once

namespace kmn {

enum class Status {
  kOk,
  kAllocFailed,  // std::bad_alloc while preparing buffers
  kSizeOverflow, // a buffer size does not fit in size_t
  kCancelled,    // the caller asked the fit to stop (an aborted async call)
  kUnknownAlgorithm,  // an algorithm name that algorithms.hpp does not list
};

}  // namespace kmn

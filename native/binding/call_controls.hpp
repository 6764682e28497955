// Options every native call may carry, whatever the operation: `cancel` (an Int32Array(1) that
// another thread sets non-zero to stop the work at its next check, ERR_KMEANS_ABORTED) and
// `onProgress` (called on the main thread with the numbers an operation reports, without the
// work waiting for it). Once the work ends, onProgress is called one last time with no
// arguments, after every report, so the caller knows that no report is still on its way.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "convert.hpp"
#include "errors.hpp"

namespace kmn::binding {

class CallControls {
 public:
  CallControls() = default;
  CallControls(const CallControls&) = delete;
  CallControls& operator=(const CallControls&) = delete;
  CallControls(CallControls&& other) noexcept : cancel_(other.cancel_), progress_(other.progress_) {
    other.progress_ = Napi::ThreadSafeFunction();
  }
  CallControls& operator=(CallControls&&) = delete;
  // A call that never ran (its request failed a check) releases the function without reports.
  ~CallControls() {
    if (progress_) progress_.Release();
  }

  bool parse(Request& request) {
    if (request.has("cancel")) {
      int32_t* flag = nullptr;
      size_t length = 0;
      if (!request.typed_array("cancel", &flag, &length)) return false;
      KMN_REQUIRE(request.env(), length == 1, "cancel must be an Int32Array(1)");
      cancel_ = flag;
    }
    Napi::Function on_progress;
    if (!request.optional_function("onProgress", &on_progress)) return false;
    if (!on_progress.IsEmpty()) {
      progress_ = Napi::ThreadSafeFunction::New(request.env(), on_progress, "kmeans-native progress", 0, 1);
    }
    return true;
  }

  // The flag the kernels poll, or null.
  const int32_t* cancel() const { return cancel_; }
  bool reports() const { return static_cast<bool>(progress_); }

  // From any thread: queues onProgress(values...); never blocks.
  void report(std::initializer_list<double> values) {
    if (!progress_) return;
    auto* numbers = new std::vector<double>(values);
    const napi_status queued = progress_.NonBlockingCall(numbers, deliver);
    if (queued != napi_ok) delete numbers;
  }

  // From the thread that ran the work, once: the end marker, then the function is released.
  void finish() {
    if (!progress_) return;
    report({});
    progress_.Release();
    progress_ = Napi::ThreadSafeFunction();
  }

 private:
  static void deliver(Napi::Env env, Napi::Function callback, std::vector<double>* numbers) {
    if (env != nullptr && callback != nullptr) {
      std::vector<napi_value> args;
      for (const double value : *numbers) args.push_back(Napi::Number::New(env, value));
      callback.Call(args);
    }
    delete numbers;
  }

  const int32_t* cancel_ = nullptr;
  Napi::ThreadSafeFunction progress_;
};

}  // namespace kmn::binding

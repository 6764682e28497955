// Runs an operation synchronously or on the libuv thread pool. An operation is a struct with
//   bool parse(Request&)            main thread: read and check the request
//   Status execute()                any thread: plain C++ only, never touches JS values
//   Napi::Value result(Napi::Env)   main thread: build the JS result
//   CallControls controls           the call's cancel flag and progress reports
// and it owns the references that keep the request's arrays alive until it is destroyed.
#pragma once

#include <napi.h>

#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "convert.hpp"
#include "errors.hpp"
#include "operations.hpp"

namespace kmn::binding {

template <typename Operation>
class OperationWorker : public Napi::AsyncWorker {
 public:
  OperationWorker(Napi::Env env, Operation operation)
      : Napi::AsyncWorker(env, "kmeans-native"), operation_(std::move(operation)),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    status_ = operation_.execute();
    operation_.controls.finish();
  }

  void OnOK() override {
    Napi::HandleScope scope(Env());
    if (status_ != Status::kOk) {
      deferred_.Reject(status_error(Env(), status_).Value());
      return;
    }
    Napi::Value value = operation_.result(Env());
    if (Env().IsExceptionPending()) {
      deferred_.Reject(Env().GetAndClearPendingException().Value());
      return;
    }
    deferred_.Resolve(value);
  }

 private:
  Operation operation_;
  Napi::Promise::Deferred deferred_;
  Status status_ = Status::kOk;
};

// An operation's schema: its own fields, and the common ones of the operations that read data.
template <typename Operation>
const std::vector<std::string>& schema_of() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> all(std::begin(Operation::kFields), std::end(Operation::kFields));
    if constexpr (std::is_base_of_v<DataOperation<float>, Operation> || std::is_base_of_v<DataOperation<double>, Operation>)
      all.insert(all.end(), std::begin(Operation::kDataFields), std::end(Operation::kDataFields));
    return all;
  }();
  return fields;
}

template <typename Operation>
Napi::Value run_operation(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    make_error(env, "ERR_KMEANS_INVALID_REQUEST", "expected a request object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Request request(info[0].As<Napi::Object>(), schema_of<Operation>());
  Operation operation;
  if (!request.only_schema_fields() || !operation.parse(request)) return env.Undefined();
  operation.references = request.take_references();
  if (!async) {
    const Status status = operation.execute();
    operation.controls.finish();
    if (status != Status::kOk) {
      status_error(env, status).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return operation.result(env);
  }
  auto* worker = new OperationWorker<Operation>(env, std::move(operation));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// The float64 or float32 instantiation of an operation template, chosen by the type of the
// request's `x` array (or of its first column, or of `centers` for an operation without rows).
template <template <typename> class Operation>
Napi::Value run_for_dtype(const Napi::CallbackInfo& info, bool async) {
  if (info.Length() >= 1 && info[0].IsObject()) {
    Napi::Object request = info[0].As<Napi::Object>();
    Napi::Value x = request.Get("x");
    Napi::Value columns = request.Get("columns");
    if (columns.IsArray() && columns.As<Napi::Array>().Length() > 0) x = columns.As<Napi::Array>().Get(uint32_t{0});
    if (x.IsUndefined()) x = request.Get("centers");
    if (x.IsTypedArray() && x.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array) {
      return run_operation<Operation<float>>(info, async);
    }
  }
  return run_operation<Operation<double>>(info, async);
}

}  // namespace kmn::binding

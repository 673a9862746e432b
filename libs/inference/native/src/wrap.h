// JS classes of the addon: Model (returned by loadModel) and Context (Model.createContext).
#pragma once

#include <napi.h>

#include <deque>
#include <string>
#include <vector>

#include "common.h"

namespace densebench {

// Per-addon-instance data (constructors), so the addon also works in worker_threads.
struct AddonData {
  Napi::FunctionReference modelCtor;
  Napi::FunctionReference contextCtor;
};

Napi::Error disposedError(Napi::Env env, const char* what);
std::vector<llama_token> toTokens(Napi::Env env, const Napi::Value& v, const std::string& what);

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object NewInstance(Napi::Env env, ModelPtr handle);
  explicit ModelWrap(const Napi::CallbackInfo& info);

 private:
  ModelPtr require(Napi::Env env) const;
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Tokenize(const Napi::CallbackInfo& info);
  Napi::Value Detokenize(const Napi::CallbackInfo& info);
  Napi::Value TokenToPiece(const Napi::CallbackInfo& info);
  Napi::Value CreateContext(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);

  ModelPtr handle_;
};

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object NewInstance(Napi::Env env, ContextPtr handle);
  explicit ContextWrap(const Napi::CallbackInfo& info);

  // Jobs on one context run one after another, in call order.
  void Enqueue(Napi::AsyncWorker* job);
  void JobDone();

 private:
  ContextPtr require(Napi::Env env) const;
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Score(const Napi::CallbackInfo& info);
  Napi::Value Generate(const Napi::CallbackInfo& info);
  Napi::Value EvalLogits(const Napi::CallbackInfo& info);
  Napi::Value ScoreImpl(const Napi::CallbackInfo& info);
  Napi::Value GenerateImpl(const Napi::CallbackInfo& info);
  Napi::Value EvalLogitsImpl(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Disposed(const Napi::CallbackInfo& info);

  ContextPtr handle_;
  std::deque<Napi::AsyncWorker*> queue_;
  bool running_ = false;
};

}  // namespace densebench

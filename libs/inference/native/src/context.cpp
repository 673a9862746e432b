// Context: score / generate / evalLogits as promise-returning jobs run off the JS thread (jobs.h).
#include "jobs.h"

namespace densebench {

namespace {

// Async methods report every error through the returned promise, never by throwing.
template <typename Fn>
Napi::Value rejectOnThrow(Napi::Env env, Fn fn) {
  try {
    return fn();
  } catch (const Napi::Error& e) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(e.Value());
    return d.Promise();
  }
}

double optNumber(Napi::Object o, const char* key, double def, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return def;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), where + "." + key + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

}  // namespace

Napi::Function ContextWrap::Define(Napi::Env env) {
  return DefineClass(env, "Context",
                     {InstanceMethod<&ContextWrap::Info>("info"),
                      InstanceMethod<&ContextWrap::Score>("score"),
                      InstanceMethod<&ContextWrap::Generate>("generate"),
                      InstanceMethod<&ContextWrap::EvalLogits>("evalLogits"),
                      InstanceMethod<&ContextWrap::Dispose>("dispose"),
                      InstanceAccessor<&ContextWrap::Disposed>("disposed")});
}

Napi::Object ContextWrap::NewInstance(Napi::Env env, ContextPtr handle) {
  auto* data = env.GetInstanceData<AddonData>();
  return data->contextCtor.New({Napi::External<ContextPtr>::New(env, new ContextPtr(std::move(handle)))});
}

ContextWrap::ContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Context objects are created by Model.createContext()");
  }
  std::unique_ptr<ContextPtr> holder(info[0].As<Napi::External<ContextPtr>>().Data());
  handle_ = *holder;
}

ContextPtr ContextWrap::require(Napi::Env env) const {
  if (!handle_) throw disposedError(env, "Context");
  return handle_;
}

void ContextWrap::Enqueue(Napi::AsyncWorker* job) {
  queue_.push_back(job);
  if (!running_) JobDone();
}

void ContextWrap::JobDone() {
  running_ = false;
  if (queue_.empty()) return;
  running_ = true;
  Napi::AsyncWorker* next = queue_.front();
  queue_.pop_front();
  next->Queue();
}

Napi::Value ContextWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr h = require(env);
  Napi::Object o = Napi::Object::New(env);
  o.Set("contextSize", Napi::Number::New(env, h->ctxPerSeq));
  o.Set("sequences", Napi::Number::New(env, h->nSeq));
  o.Set("batchSize", Napi::Number::New(env, h->nBatch));
  o.Set("ubatchSize", Napi::Number::New(env, h->nUbatch));
  o.Set("threads", Napi::Number::New(env, h->nThreads));
  o.Set("unifiedKv", Napi::Boolean::New(env, h->unifiedKv));
  o.Set("kvCells", Napi::Number::New(env, h->nCtxTotal));
  return o;
}

Napi::Value ContextWrap::Score(const Napi::CallbackInfo& info) {
  return rejectOnThrow(info.Env(), [&] { return ScoreImpl(info); });
}

Napi::Value ContextWrap::ScoreImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr h = require(env);
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "score: groups must be an array");
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<ScoreGroup> groups(arr.Length());
  for (uint32_t g = 0; g < arr.Length(); ++g) {
    const std::string at = "score: groups[" + std::to_string(g) + "]";
    Napi::Value gv = arr.Get(g);
    if (!gv.IsObject()) throw Napi::TypeError::New(env, at + " must be an object { prefix, continuations }");
    Napi::Object go = gv.As<Napi::Object>();
    groups[g].prefix = toTokens(env, go.Get("prefix"), at + ".prefix");
    if (groups[g].prefix.empty()) {
      throw Napi::RangeError::New(env, at + ".prefix is empty: a prefix needs at least one token (e.g. BOS)");
    }
    Napi::Value cv = go.Get("continuations");
    if (!cv.IsArray()) throw Napi::TypeError::New(env, at + ".continuations must be an array of Int32Array");
    Napi::Array ca = cv.As<Napi::Array>();
    groups[g].conts.resize(ca.Length());
    for (uint32_t c = 0; c < ca.Length(); ++c) {
      groups[g].conts[c] = toTokens(env, ca.Get(c), at + ".continuations[" + std::to_string(c) + "]");
    }
  }
  auto* job = new ScoreJob(this, Value(), h, std::move(groups));
  Napi::Promise p = job->Promise();
  Enqueue(job);
  return p;
}

Napi::Value ContextWrap::Generate(const Napi::CallbackInfo& info) {
  return rejectOnThrow(info.Env(), [&] { return GenerateImpl(info); });
}

Napi::Value ContextWrap::GenerateImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr h = require(env);
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "generate: requests must be an array");
  Napi::Array arr = info[0].As<Napi::Array>();
  std::vector<GenerateRequest> reqs(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const std::string at = "generate: requests[" + std::to_string(i) + "]";
    Napi::Value rv = arr.Get(i);
    if (!rv.IsObject()) throw Napi::TypeError::New(env, at + " must be an object");
    Napi::Object o = rv.As<Napi::Object>();
    GenerateRequest& r = reqs[i];
    r.prompt = toTokens(env, o.Get("prompt"), at + ".prompt");
    if (r.prompt.empty()) throw Napi::RangeError::New(env, at + ".prompt is empty: a prompt needs at least one token");
    r.maxTokens = int32_t(optNumber(o, "maxTokens", 256, at));
    r.temperature = float(optNumber(o, "temperature", 0, at));
    r.topP = float(optNumber(o, "topP", 1, at));
    r.topK = int32_t(optNumber(o, "topK", 0, at));
    r.seed = uint32_t(int64_t(optNumber(o, "seed", 0, at)));
    Napi::Value scv = o.Get("score");
    if (!scv.IsUndefined() && !scv.IsNull()) {
      if (!scv.IsArray()) throw Napi::TypeError::New(env, at + ".score must be an array of Int32Array");
      Napi::Array sca = scv.As<Napi::Array>();
      for (uint32_t k = 0; k < sca.Length(); ++k) r.score.push_back(toTokens(env, sca.Get(k), at + ".score[" + std::to_string(k) + "]"));
    }
    r.scoreFrom = int32_t(optNumber(o, "scoreFrom", -1, at));
    Napi::Value sv = o.Get("stop");
    if (!sv.IsUndefined() && !sv.IsNull()) {
      if (!sv.IsArray()) throw Napi::TypeError::New(env, at + ".stop must be an array of strings");
      Napi::Array sa = sv.As<Napi::Array>();
      for (uint32_t k = 0; k < sa.Length(); ++k) {
        Napi::Value s = sa.Get(k);
        if (!s.IsString()) throw Napi::TypeError::New(env, at + ".stop must contain only strings");
        r.stop.push_back(s.As<Napi::String>().Utf8Value());
      }
    }
  }
  Napi::Function onResult;
  if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
    if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "generate: onResult must be a function");
    onResult = info[1].As<Napi::Function>();
  }
  auto* job = new GenerateJob(this, Value(), h, std::move(reqs), onResult);
  Napi::Promise p = job->Promise();
  Enqueue(job);
  return p;
}

Napi::Value ContextWrap::EvalLogits(const Napi::CallbackInfo& info) {
  return rejectOnThrow(info.Env(), [&] { return EvalLogitsImpl(info); });
}

Napi::Value ContextWrap::EvalLogitsImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr h = require(env);
  std::vector<llama_token> tokens = toTokens(env, info.Length() > 0 ? info[0] : env.Undefined(), "evalLogits: tokens");
  auto* job = new EvalLogitsJob(this, Value(), h, std::move(tokens));
  Napi::Promise p = job->Promise();
  Enqueue(job);
  return p;
}

Napi::Value ContextWrap::Dispose(const Napi::CallbackInfo& info) {
  handle_.reset();  // queued jobs keep their own reference and finish first
  return info.Env().Undefined();
}

Napi::Value ContextWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !handle_);
}

}  // namespace densebench

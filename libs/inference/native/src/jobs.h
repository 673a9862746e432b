// Background jobs of a Context: Execute() runs on the libuv thread pool, the promise settles on
// the JS thread, then the context starts its next queued job.
#pragma once

#include <napi.h>

#include <chrono>

#include "generator.h"
#include "scorer.h"
#include "wrap.h"

namespace densebench {

using Clock = std::chrono::steady_clock;

class ContextJob : public Napi::AsyncWorker {
 public:
  ContextJob(ContextWrap* owner, Napi::Object self, ContextPtr h, const char* name)
      : Napi::AsyncWorker(self.Env(), name),
        owner_(owner),
        self_(Napi::Persistent(self)),
        h_(std::move(h)),
        deferred_(Napi::Promise::Deferred::New(self.Env())) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  virtual Napi::Value Result(Napi::Env env) = 0;
  double elapsedMs(Clock::time_point t0) const { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    owner_->JobDone();
  }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(e.Value());
    owner_->JobDone();
  }

  ContextWrap* owner_;
  Napi::ObjectReference self_;  // keeps the JS Context (and so owner_) alive until the job settles
  ContextPtr h_;
  Napi::Promise::Deferred deferred_;
};

inline Napi::Object scoreToJs(Napi::Env env, const ContinuationScore& cs) {
  Napi::Float64Array lp = Napi::Float64Array::New(env, cs.logprobs.size());
  std::copy(cs.logprobs.begin(), cs.logprobs.end(), lp.Data());
  Napi::Uint8Array gr = Napi::Uint8Array::New(env, cs.greedy.size());
  std::copy(cs.greedy.begin(), cs.greedy.end(), gr.Data());
  Napi::Object o = Napi::Object::New(env);
  o.Set("logprobs", lp);
  o.Set("greedy", gr);
  return o;
}

inline Napi::Object generateResultToJs(Napi::Env env, const GenerateResult& r) {
  Napi::Int32Array toks = Napi::Int32Array::New(env, r.tokens.size());
  std::copy(r.tokens.begin(), r.tokens.end(), toks.Data());
  Napi::Array scores = Napi::Array::New(env, r.scores.size());
  for (size_t c = 0; c < r.scores.size(); ++c) scores.Set(uint32_t(c), scoreToJs(env, r.scores[c]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("tokens", toks);
  o.Set("text", Napi::String::New(env, r.text));
  o.Set("finishReason", Napi::String::New(env, r.finishReason));
  o.Set("promptTokens", Napi::Number::New(env, r.promptTokens));
  o.Set("reusedTokens", Napi::Number::New(env, r.reusedTokens));
  o.Set("scores", scores);
  o.Set("ttftMs", Napi::Number::New(env, r.ttftMs));
  o.Set("totalMs", Napi::Number::New(env, r.totalMs));
  return o;
}

class ScoreJob : public ContextJob {
 public:
  ScoreJob(ContextWrap* owner, Napi::Object self, ContextPtr h, std::vector<ScoreGroup> groups)
      : ContextJob(owner, self, std::move(h), "densebench:score"), groups_(std::move(groups)) {}

 protected:
  void Execute() override {
    const auto t0 = Clock::now();
    try {
      out_ = scoreGroups(*h_, groups_, stats_);
    } catch (...) {
      h_->cacheUse = ContextHandle::CacheUse::none;  // the cache may not match its bookkeeping any more
      throw;
    }
    ms_ = elapsedMs(t0);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array results = Napi::Array::New(env, out_.size());
    for (size_t g = 0; g < out_.size(); ++g) {
      Napi::Array conts = Napi::Array::New(env, out_[g].size());
      for (size_t c = 0; c < out_[g].size(); ++c) {
        conts.Set(uint32_t(c), scoreToJs(env, out_[g][c]));
      }
      results.Set(uint32_t(g), conts);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("results", results);
    o.Set("decodedTokens", Napi::Number::New(env, double(stats_.decodedTokens)));
    o.Set("outputs", Napi::Number::New(env, double(stats_.outputs)));
    o.Set("decodeCalls", Napi::Number::New(env, double(stats_.decodeCalls)));
    o.Set("waves", Napi::Number::New(env, double(stats_.waves)));
    o.Set("pinnedTokens", Napi::Number::New(env, double(stats_.pinnedTokens)));
    o.Set("reusedTokens", Napi::Number::New(env, double(stats_.reusedTokens)));
    o.Set("timeMs", Napi::Number::New(env, ms_));
    return o;
  }

 private:
  std::vector<ScoreGroup> groups_;
  std::vector<std::vector<ContinuationScore>> out_;
  ScoreStats stats_;
  double ms_ = 0;
};

// Optional JS callback onResult(index, result), called as each request finishes.
class GenerateJob : public ContextJob {
 public:
  GenerateJob(ContextWrap* owner, Napi::Object self, ContextPtr h, std::vector<GenerateRequest> reqs, Napi::Function onResult)
      : ContextJob(owner, self, std::move(h), "densebench:generate"), reqs_(std::move(reqs)) {
    if (!onResult.IsEmpty()) {
      tsfn_ = Napi::ThreadSafeFunction::New(self.Env(), onResult, "densebench:generate:onResult", 0, 1);
      hasTsfn_ = true;
    }
  }

 protected:
  void Execute() override {
    const auto t0 = Clock::now();
    OnFinished cb = nullptr;
    if (hasTsfn_) {
      cb = [this](size_t index, const GenerateResult& r) {
        auto* item = new std::pair<uint32_t, GenerateResult>(uint32_t(index), r);
        const napi_status st = tsfn_.BlockingCall(item, [](Napi::Env env, Napi::Function fn, std::pair<uint32_t, GenerateResult>* it) {
          std::unique_ptr<std::pair<uint32_t, GenerateResult>> owned(it);
          if (env != nullptr && fn != nullptr) fn.Call({Napi::Number::New(env, it->first), generateResultToJs(env, it->second)});
        });
        if (st != napi_ok) delete item;
      };
    }
    try {
      out_ = generateAll(*h_, reqs_, stats_, cb);
    } catch (...) {
      releaseTsfn();
      throw;
    }
    releaseTsfn();
    ms_ = elapsedMs(t0);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array results = Napi::Array::New(env, out_.size());
    for (size_t i = 0; i < out_.size(); ++i) results.Set(uint32_t(i), generateResultToJs(env, out_[i]));
    Napi::Object o = Napi::Object::New(env);
    o.Set("results", results);
    o.Set("decodedTokens", Napi::Number::New(env, double(stats_.decodedTokens)));
    o.Set("decodeCalls", Napi::Number::New(env, double(stats_.decodeCalls)));
    o.Set("reusedTokens", Napi::Number::New(env, double(stats_.reusedTokens)));
    o.Set("cacheCopies", Napi::Number::New(env, double(stats_.cacheCopies)));
    o.Set("timeMs", Napi::Number::New(env, ms_));
    return o;
  }

 private:
  void releaseTsfn() {
    if (hasTsfn_) tsfn_.Release();
    hasTsfn_ = false;
  }
  std::vector<GenerateRequest> reqs_;
  std::vector<GenerateResult> out_;
  GenerateStats stats_;
  Napi::ThreadSafeFunction tsfn_;
  bool hasTsfn_ = false;
  double ms_ = 0;
};

class EvalLogitsJob : public ContextJob {
 public:
  EvalLogitsJob(ContextWrap* owner, Napi::Object self, ContextPtr h, std::vector<llama_token> tokens)
      : ContextJob(owner, self, std::move(h), "densebench:evalLogits"), tokens_(std::move(tokens)) {}

 protected:
  void Execute() override { logits_ = evalAllLogits(*h_, tokens_); }
  Napi::Value Result(Napi::Env env) override {
    Napi::Float32Array a = Napi::Float32Array::New(env, logits_.size());
    std::copy(logits_.begin(), logits_.end(), a.Data());
    return a;
  }

 private:
  std::vector<llama_token> tokens_;
  std::vector<float> logits_;
};

}  // namespace densebench

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

class ScoreJob : public ContextJob {
 public:
  ScoreJob(ContextWrap* owner, Napi::Object self, ContextPtr h, std::vector<ScoreGroup> groups)
      : ContextJob(owner, self, std::move(h), "densebench:score"), groups_(std::move(groups)) {}

 protected:
  void Execute() override {
    const auto t0 = Clock::now();
    out_ = scoreGroups(*h_, groups_, stats_);
    ms_ = elapsedMs(t0);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array results = Napi::Array::New(env, out_.size());
    for (size_t g = 0; g < out_.size(); ++g) {
      Napi::Array conts = Napi::Array::New(env, out_[g].size());
      for (size_t c = 0; c < out_[g].size(); ++c) {
        const ContinuationScore& cs = out_[g][c];
        Napi::Float64Array lp = Napi::Float64Array::New(env, cs.logprobs.size());
        std::copy(cs.logprobs.begin(), cs.logprobs.end(), lp.Data());
        Napi::Uint8Array gr = Napi::Uint8Array::New(env, cs.greedy.size());
        std::copy(cs.greedy.begin(), cs.greedy.end(), gr.Data());
        Napi::Object o = Napi::Object::New(env);
        o.Set("logprobs", lp);
        o.Set("greedy", gr);
        conts.Set(uint32_t(c), o);
      }
      results.Set(uint32_t(g), conts);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("results", results);
    o.Set("decodedTokens", Napi::Number::New(env, double(stats_.decodedTokens)));
    o.Set("outputs", Napi::Number::New(env, double(stats_.outputs)));
    o.Set("decodeCalls", Napi::Number::New(env, double(stats_.decodeCalls)));
    o.Set("waves", Napi::Number::New(env, double(stats_.waves)));
    o.Set("timeMs", Napi::Number::New(env, ms_));
    return o;
  }

 private:
  std::vector<ScoreGroup> groups_;
  std::vector<std::vector<ContinuationScore>> out_;
  ScoreStats stats_;
  double ms_ = 0;
};

class GenerateJob : public ContextJob {
 public:
  GenerateJob(ContextWrap* owner, Napi::Object self, ContextPtr h, std::vector<GenerateRequest> reqs)
      : ContextJob(owner, self, std::move(h), "densebench:generate"), reqs_(std::move(reqs)) {}

 protected:
  void Execute() override {
    const auto t0 = Clock::now();
    out_ = generateAll(*h_, reqs_, stats_);
    ms_ = elapsedMs(t0);
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array results = Napi::Array::New(env, out_.size());
    for (size_t i = 0; i < out_.size(); ++i) {
      const GenerateResult& r = out_[i];
      Napi::Int32Array toks = Napi::Int32Array::New(env, r.tokens.size());
      std::copy(r.tokens.begin(), r.tokens.end(), toks.Data());
      Napi::Object o = Napi::Object::New(env);
      o.Set("tokens", toks);
      o.Set("text", Napi::String::New(env, r.text));
      o.Set("finishReason", Napi::String::New(env, r.finishReason));
      o.Set("promptTokens", Napi::Number::New(env, r.promptTokens));
      o.Set("ttftMs", Napi::Number::New(env, r.ttftMs));
      o.Set("totalMs", Napi::Number::New(env, r.totalMs));
      results.Set(uint32_t(i), o);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("results", results);
    o.Set("decodedTokens", Napi::Number::New(env, double(stats_.decodedTokens)));
    o.Set("decodeCalls", Napi::Number::New(env, double(stats_.decodeCalls)));
    o.Set("timeMs", Napi::Number::New(env, ms_));
    return o;
  }

 private:
  std::vector<GenerateRequest> reqs_;
  std::vector<GenerateResult> out_;
  GenerateStats stats_;
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

// Generation engine. Every sequence slot of the context runs one request at a time; a finished slot
// takes the next pending request (continuous batching). Each step decodes one llama_batch holding the
// last sampled token of every generating slot plus prompt (or scored-continuation) chunks of the
// others. A slot keeps its tokens in the KV cache after its request ends (also between jobs): a new
// prompt reuses the longest prefix it shares with that slot's cache, or with another slot's cache
// copied over (prefix caching, as llama-server does). Continuations to score given the prompt are
// decoded after the prompt and removed again before generation goes on from the prompt's KV.
#include "generator.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

#include "backend.h"
#include "batch.h"
#include "generate-slot.h"
#include "generate-util.h"
#include "logsoftmax.h"

namespace densebench {

namespace {

using namespace gen;  // NOLINT: the engine's own slot types

// A cross-stream copy moves a whole KV stream: worth it only for a longer shared prefix.
constexpr size_t kMinCopy = 32;

class Engine {
 public:
  Engine(ContextHandle& h, const std::vector<GenerateRequest>& reqs, GenerateStats& stats, const OnFinished& onFinished)
      : h_(h), reqs_(reqs), stats_(stats), onFinished_(onFinished), mem_(llama_get_memory(h.ctx)),
        slots_(size_t(h.nSeq)), seqIds_(size_t(h.nSeq)) {
    results.resize(reqs.size());
    for (int s = 0; s < h.nSeq; ++s) seqIds_[s] = s;
    for (size_t i = 0; i < reqs.size(); ++i) pending_.push_back(int(i));
  }

  void run() {
    for (;;) {
      admit();
      if (!buildBatch()) break;
      const DecodeBatch::Padding pad = batch_.makeMultiRow(h_.ctxPerSeq - 1);
      batch_.decode(h_.ctx);
      ++stats_.decodeCalls;
      stats_.decodedTokens += batch_.size() - (pad.dummy ? 1 : 0);
      batch_.dropDummy(h_.ctx, pad);
      for (int s = 0; s < h_.nSeq; ++s) afterDecode(s);
    }
  }

  std::vector<GenerateResult> results;

 private:
  void admit() {
    for (int s = 0; s < h_.nSeq; ++s) slots_[s].copied = false;
    for (int s = 0; s < h_.nSeq; ++s) {
      Slot& slot = slots_[s];
      while (slot.req < 0 && !pending_.empty()) {
        if (waitForPrompting(reqs_[pending_.front()].prompt)) return;
        const int r = pending_.front();
        pending_.pop_front();
        const GenerateRequest& req = reqs_[r];
        GenerateResult& res = results[r];
        slot.req = r;
        slot.t0 = Clock::now();
        slot.gotFirst = false;
        slot.scored = req.score.empty();
        slot.pendingFinish = nullptr;
        res.promptTokens = int32_t(req.prompt.size());
        res.scores.resize(req.score.size());
        for (size_t c = 0; c < req.score.size(); ++c) {
          res.scores[c].logprobs.assign(req.score[c].size(), 0.0);
          res.scores[c].greedy.assign(req.score[c].size(), 0);
        }
        if (int64_t(req.prompt.size()) > h_.ctxPerSeq) {
          finish(s, "context");
        } else if (req.maxTokens == 0 && req.score.empty()) {
          finish(s, "length");
        } else {
          reuseCache(s, req.prompt, req.score.empty() ? req.prompt.size() : scoreBase(req));
          slot.sampler = req.maxTokens > 0 ? makeSampler(req) : nullptr;
          slot.phase = Phase::prompt;
        }
      }
    }
  }

  // Another slot is still decoding a prompt that shares more with this one than any cache holds: wait
  // and copy its cache then, rather than decode the shared part (a task's few-shot examples) twice.
  bool waitForPrompting(const std::vector<llama_token>& prompt) const {
    const size_t cap = prompt.size() - 1;
    size_t best = 0;
    for (int o = 0; o < h_.nSeq; ++o) best = std::max(best, std::min(commonPrefix(h_.seqTokens[o], prompt), cap));
    for (int o = 0; o < h_.nSeq; ++o) {
      const Slot& other = slots_[o];
      if (other.req < 0 || other.phase != Phase::prompt) continue;
      if (std::min(commonPrefix(reqs_[other.req].prompt, prompt), cap) >= best + kMinCopy) return true;
    }
    return false;
  }

  // Keeps the longest prefix of the prompt found in this slot's cache or (copied) in another's.
  // `first`: the first prompt position whose logits are needed (its token is decoded again).
  void reuseCache(int s, const std::vector<llama_token>& prompt, size_t first) {
    auto& own = h_.seqTokens[s];
    const size_t cap = first - 1;
    size_t keep = std::min(commonPrefix(own, prompt), cap);
    int from = -1;
    size_t best = keep;
    for (int o = 0; o < h_.nSeq; ++o) {
      if (o == s || slots_[o].copied) continue;
      const size_t l = std::min(commonPrefix(h_.seqTokens[o], prompt), cap);
      if (l > best) best = l, from = o;
    }
    if (from >= 0 && best >= keep + kMinCopy) {
      if (h_.unifiedKv) {  // cells are shared: only their sequence sets change
        llama_memory_seq_rm(mem_, s, -1, -1);
        llama_memory_seq_cp(mem_, from, s, 0, llama_pos(best));
      } else {  // the whole stream is copied at the next decode
        llama_memory_seq_cp(mem_, from, s, -1, -1);
      }
      own.assign(h_.seqTokens[from].begin(), h_.seqTokens[from].begin() + best);
      keep = best;
      slots_[s].copied = true;
      ++stats_.cacheCopies;
    }
    llama_memory_seq_rm(mem_, s, llama_pos(keep), -1);
    own.resize(keep);
    slots_[s].promptPos = keep;
    results[slots_[s].req].reusedTokens = int32_t(keep);
    stats_.reusedTokens += int64_t(keep);
  }

  bool buildBatch() {
    batch_.clear();
    const int32_t limit = std::min(h_.nBatch, h_.nUbatch);
    bool active = false;
    for (int s = 0; s < h_.nSeq; ++s) {
      Slot& slot = slots_[s];
      slot.rowFrom = -1;
      slot.rowCount = 0;
      if (slot.req < 0) continue;
      active = true;
      if (slot.phase == Phase::gen && batch_.size() < limit) {
        slot.rowFrom = batch_.size();
        slot.rowCount = 1;
        batch_.add(slot.last, slot.nPast, &seqIds_[s], 1, true);
      }
    }
    for (int s = 0; s < h_.nSeq && batch_.size() < limit; ++s) {
      Slot& slot = slots_[s];
      if (slot.req < 0 || slot.phase == Phase::gen) continue;
      const GenerateRequest& req = reqs_[slot.req];
      const size_t room = size_t(limit - batch_.size());
      slot.rowFrom = batch_.size();
      if (slot.phase == Phase::prompt) {
        const size_t end = promptEnd(slot, req);
        const size_t left = end - slot.promptPos;
        size_t take = std::min(left, room);
        if (take + 1 == left && take > 1) take -= 1;  // never leave one prompt token to be decoded alone
        for (size_t k = 0; k < take; ++k) {
          const size_t i = slot.promptPos + k;
          batch_.add(req.prompt[i], llama_pos(i), &seqIds_[s], 1, i + 1 == end);
        }
        slot.rowCount = int32_t(take);
      } else {  // score: tokens cont[contPos .. len-2] after the prompt, each predicting the next one
        const auto& cont = req.score[slot.cont];
        const size_t take = std::min(cont.size() - 1 - slot.contPos, room);
        const llama_pos p = llama_pos(scoreBase(req));
        for (size_t k = 0; k < take; ++k) batch_.add(cont[slot.contPos + k], p + llama_pos(slot.contPos + k), &seqIds_[s], 1, true);
        slot.rowCount = int32_t(take);
      }
    }
    return active;
  }

  void afterDecode(int s) {
    Slot& slot = slots_[s];
    if (slot.req < 0 || slot.rowCount == 0) return;
    const GenerateRequest& req = reqs_[slot.req];
    if (slot.phase == Phase::prompt) {
      auto& cached = h_.seqTokens[s];
      cached.insert(cached.end(), req.prompt.begin() + slot.promptPos, req.prompt.begin() + slot.promptPos + slot.rowCount);
      slot.promptPos += size_t(slot.rowCount);
      if (slot.promptPos < promptEnd(slot, req)) return;
      const int32_t row = slot.rowFrom + slot.rowCount - 1;
      if (!slot.scored) {
        for (size_t c = 0; c < req.score.size(); ++c) {
          if (!req.score[c].empty()) setScore(slot.req, c, 0, row);
        }
      }
      if (slot.promptPos == req.prompt.size()) {
        slot.nPast = llama_pos(req.prompt.size());
        if (req.maxTokens > 0) accept(s, llama_sampler_sample(slot.sampler.get(), h_.ctx, row));
      }
      slot.cont = slot.scored ? req.score.size() : 0;
      nextContinuation(s);
    } else if (slot.phase == Phase::score) {
      for (int32_t k = 0; k < slot.rowCount; ++k) setScore(slot.req, slot.cont, slot.contPos + size_t(k) + 1, slot.rowFrom + k);
      slot.contPos += size_t(slot.rowCount);
      if (slot.contPos + 1 >= req.score[slot.cont].size()) {
        llama_memory_seq_rm(mem_, s, llama_pos(scoreBase(req)), -1);
        ++slot.cont;
        nextContinuation(s);
      }
    } else {
      h_.seqTokens[s].push_back(slot.last);
      slot.nPast += 1;
      accept(s, llama_sampler_sample(slot.sampler.get(), h_.ctx, slot.rowFrom));
    }
  }

  // Where this step's prompt decoding stops: the scored point first, then the prompt's end.
  static size_t promptEnd(const Slot& slot, const GenerateRequest& req) { return slot.scored ? req.prompt.size() : scoreBase(req); }

  // log p(cont[j]) from the logits of batch row `row`.
  void setScore(int req, size_t c, size_t j, int32_t row) {
    const float* l = llama_get_logits_ith(h_.ctx, row);
    if (!l) throw std::runtime_error("llama_get_logits_ith returned no logits");
    const RowStats st = rowStats(l, h_.model->nVocab);
    const llama_token t = reqs_[req].score[c][j];
    results[req].scores[c].logprobs[j] = double(l[t]) - st.logSumExp;
    results[req].scores[c].greedy[j] = t == st.argmax ? 1 : 0;
  }

  // After the prompt or a scored continuation: the next continuation to decode, or generation.
  void nextContinuation(int s) {
    Slot& slot = slots_[s];
    const GenerateRequest& req = reqs_[slot.req];
    while (slot.cont < req.score.size() && req.score[slot.cont].size() < 2) ++slot.cont;
    if (slot.cont < req.score.size()) {
      slot.phase = Phase::score;
      slot.contPos = 0;
      return;
    }
    slot.scored = true;
    if (req.maxTokens == 0) {
      finish(s, "length");
    } else if (slot.promptPos < req.prompt.size()) {
      slot.phase = Phase::prompt;  // the rest of the prompt after the scored point
    } else if (slot.pendingFinish) {
      finish(s, slot.pendingFinish);
    } else {
      slot.phase = Phase::gen;
    }
  }

  void accept(int s, llama_token t) {
    Slot& slot = slots_[s];
    const GenerateRequest& req = reqs_[slot.req];
    GenerateResult& res = results[slot.req];
    if (!slot.gotFirst) {
      slot.gotFirst = true;
      res.ttftMs = msSince(slot.t0);
    }
    const char* reason = nullptr;
    if (llama_vocab_is_eog(h_.model->vocab, t)) {
      reason = "eog";
    } else {
      res.tokens.push_back(t);
      const size_t oldLen = res.text.size();
      res.text += tokenPiece(h_.model->vocab, t, false);
      const size_t stopAt = findStop(res.text, oldLen, req.stop);
      if (stopAt != std::string::npos) {
        res.text.resize(stopAt);
        reason = "stop";
      } else if (int32_t(res.tokens.size()) >= req.maxTokens) {
        reason = "length";
      } else if (slot.nPast >= h_.ctxPerSeq) {
        reason = "context";
      }
    }
    slot.last = t;
    if (!reason) return;
    if (slot.phase == Phase::gen) finish(s, reason);
    else slot.pendingFinish = reason;
  }

  void finish(int s, const char* reason) {
    Slot& slot = slots_[s];
    GenerateResult& r = results[slot.req];
    r.finishReason = reason;
    r.totalMs = msSince(slot.t0);
    if (!slot.gotFirst) r.ttftMs = r.totalMs;
    const int req = slot.req;
    slot.sampler.reset();
    slot.req = -1;
    slot.phase = Phase::idle;
    if (onFinished_) onFinished_(size_t(req), r);
  }

  ContextHandle& h_;
  const std::vector<GenerateRequest>& reqs_;
  GenerateStats& stats_;
  const OnFinished& onFinished_;
  llama_memory_t mem_;
  std::vector<Slot> slots_;
  std::vector<llama_seq_id> seqIds_;
  std::deque<int> pending_;
  DecodeBatch batch_;
};

}  // namespace

std::vector<GenerateResult> generateAll(ContextHandle& h, const std::vector<GenerateRequest>& requests,
                                        GenerateStats& stats, const OnFinished& onFinished) {
  validateRequests(h, requests);
  h.claimCache(ContextHandle::CacheUse::generator);
  Engine engine(h, requests, stats, onFinished);
  try {
    engine.run();
  } catch (...) {
    h.cacheUse = ContextHandle::CacheUse::none;  // the cache may not match its bookkeeping any more
    throw;
  }
  return std::move(engine.results);
}

}  // namespace densebench

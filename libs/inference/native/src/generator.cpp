// Generation engine: every sequence slot of the context runs one request at a time; finished slots
// take the next pending request (continuous batching). Each step decodes one llama_batch holding the
// last sampled token of every generating slot plus prompt chunks of slots still reading their prompt.
#include "generator.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

#include "backend.h"
#include "batch.h"

namespace densebench {

namespace {

using Clock = std::chrono::steady_clock;

struct SamplerDeleter {
  void operator()(llama_sampler* s) const {
    if (s) llama_sampler_free(s);
  }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

SamplerPtr makeSampler(const GenerateRequest& r) {
  SamplerPtr chain(llama_sampler_chain_init(llama_sampler_chain_default_params()));
  if (r.temperature <= 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  if (r.topK > 0) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(r.topK));
  if (r.topP > 0.0f && r.topP < 1.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(r.topP, 1));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(r.temperature));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(r.seed));
  return chain;
}

struct Slot {
  int req = -1;  // -1: idle
  bool prompting = false;
  size_t promptPos = 0;
  llama_pos nPast = 0;
  llama_token last = 0;
  int batchIdx = -1;
  bool gotFirst = false;
  Clock::time_point t0;
  SamplerPtr sampler;
};

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Earliest occurrence of any stop string that ends in the text appended since oldLen.
size_t findStop(const std::string& text, size_t oldLen, const std::vector<std::string>& stops) {
  size_t best = std::string::npos;
  for (const auto& s : stops) {
    if (s.empty()) continue;
    const size_t from = oldLen >= s.size() - 1 ? oldLen - (s.size() - 1) : 0;
    const size_t at = text.find(s, from);
    if (at != std::string::npos && at < best) best = at;
  }
  return best;
}

void validate(const ContextHandle& h, const std::vector<GenerateRequest>& requests) {
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    const std::string at = "request " + std::to_string(i) + ": ";
    if (r.prompt.empty()) throw std::runtime_error(at + "the prompt is empty (give at least a BOS token)");
    if (r.maxTokens < 0) throw std::runtime_error(at + "maxTokens must be >= 0");
    for (llama_token t : r.prompt) {
      if (t < 0 || t >= h.model->nVocab) {
        throw std::runtime_error(at + "token id " + std::to_string(t) + " is outside the vocabulary");
      }
    }
  }
}

}  // namespace

std::vector<GenerateResult> generateAll(ContextHandle& h, const std::vector<GenerateRequest>& requests,
                                        GenerateStats& stats) {
  validate(h, requests);
  std::vector<GenerateResult> results(requests.size());
  llama_memory_t mem = llama_get_memory(h.ctx);
  llama_memory_clear(mem, false);

  std::vector<Slot> slots(h.nSeq);
  std::deque<int> pending;
  for (size_t i = 0; i < requests.size(); ++i) pending.push_back(int(i));

  auto finish = [&](Slot& s, int seq, const char* reason) {
    GenerateResult& r = results[s.req];
    r.finishReason = reason;
    r.totalMs = msSince(s.t0);
    if (!s.gotFirst) r.ttftMs = r.totalMs;
    s.sampler.reset();
    s.req = -1;
    llama_memory_seq_rm(mem, seq, -1, -1);
  };

  DecodeBatch batch;
  std::vector<llama_seq_id> seqIds(h.nSeq);
  for (int s = 0; s < h.nSeq; ++s) seqIds[s] = s;

  for (;;) {
    // admit pending requests into idle slots
    for (int s = 0; s < h.nSeq; ++s) {
      Slot& slot = slots[s];
      while (slot.req < 0 && !pending.empty()) {
        const int r = pending.front();
        pending.pop_front();
        const GenerateRequest& req = requests[r];
        slot.req = r;
        slot.t0 = Clock::now();
        slot.gotFirst = false;
        results[r].promptTokens = int32_t(req.prompt.size());
        if (req.maxTokens == 0) {
          finish(slot, s, "length");
        } else if (int64_t(req.prompt.size()) > h.ctxPerSeq) {
          finish(slot, s, "context");
        } else {
          slot.sampler = makeSampler(req);
          slot.prompting = true;
          slot.promptPos = 0;
          slot.nPast = 0;
        }
      }
    }

    // build one batch: generating slots first, then prompt chunks (one physical batch at most)
    batch.clear();
    const int32_t limit = std::min(h.nBatch, h.nUbatch);
    bool active = false;
    for (int s = 0; s < h.nSeq; ++s) {
      Slot& slot = slots[s];
      slot.batchIdx = -1;
      if (slot.req < 0) continue;
      active = true;
      if (!slot.prompting && batch.size() < limit) {
        slot.batchIdx = batch.size();
        batch.add(slot.last, slot.nPast, &seqIds[s], 1, true);
      }
    }
    if (!active) break;
    for (int s = 0; s < h.nSeq && batch.size() < limit; ++s) {
      Slot& slot = slots[s];
      if (slot.req < 0 || !slot.prompting) continue;
      const auto& prompt = requests[slot.req].prompt;
      size_t take = std::min(prompt.size() - slot.promptPos, size_t(limit - batch.size()));
      // never leave a single prompt token for a later step (it would be decoded alone)
      if (take + 1 == prompt.size() - slot.promptPos && take > 1) take -= 1;
      for (size_t k = 0; k < take; ++k) {
        const size_t i = slot.promptPos + k;
        const bool lastPrompt = i + 1 == prompt.size();
        if (lastPrompt) slot.batchIdx = batch.size();
        batch.add(prompt[i], llama_pos(i), &seqIds[s], 1, lastPrompt);
      }
      slot.promptPos += take;
    }

    const DecodeBatch::Padding pad = batch.makeMultiRow(h.ctxPerSeq - 1);
    batch.decode(h.ctx);
    ++stats.decodeCalls;
    stats.decodedTokens += batch.size() - (pad.dummy ? 1 : 0);
    batch.dropDummy(h.ctx, pad);

    // sample for every slot that got logits
    for (int s = 0; s < h.nSeq; ++s) {
      Slot& slot = slots[s];
      if (slot.req < 0 || slot.batchIdx < 0) continue;
      const GenerateRequest& req = requests[slot.req];
      GenerateResult& res = results[slot.req];
      if (slot.prompting) {
        slot.prompting = false;
        slot.nPast = llama_pos(req.prompt.size());
      } else {
        slot.nPast += 1;
      }
      const llama_token t = llama_sampler_sample(slot.sampler.get(), h.ctx, slot.batchIdx);
      if (!slot.gotFirst) {
        slot.gotFirst = true;
        res.ttftMs = msSince(slot.t0);
      }
      if (llama_vocab_is_eog(h.model->vocab, t)) {
        finish(slot, s, "eog");
        continue;
      }
      res.tokens.push_back(t);
      const size_t oldLen = res.text.size();
      res.text += tokenPiece(h.model->vocab, t, false);
      const size_t stopAt = findStop(res.text, oldLen, req.stop);
      if (stopAt != std::string::npos) {
        res.text.resize(stopAt);
        finish(slot, s, "stop");
      } else if (int32_t(res.tokens.size()) >= req.maxTokens) {
        finish(slot, s, "length");
      } else if (slot.nPast >= h.ctxPerSeq) {
        finish(slot, s, "context");
      } else {
        slot.last = t;
      }
    }
  }
  return results;
}

}  // namespace densebench

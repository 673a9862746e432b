// Scoring engine.
//
// Each group's prefix is decoded once and shared by its continuations: with a unified KV cache a
// prefix token carries the sequence ids of all continuations of its group (the technique of
// llama.cpp's tools/perplexity for HellaSwag); without one, every continuation gets its own copy.
// Groups are packed into "waves" that fill the KV cache (up to `sequences` sequences); a wave is a
// flat token list decoded in llama_decode calls of at most n_batch tokens. Logits are requested
// only where a continuation token is predicted: the last prefix token and every continuation
// token but the last.
#include "scorer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "backend.h"
#include "batch.h"
#include "logsoftmax.h"

namespace densebench {

namespace {

struct Unit {
  int group;
  std::vector<int> conts;  // indices into the group's continuations
  int64_t cells;           // prefix + sum(len - 1)
};

struct Target {
  int group;
  int cont;
  int j;
  llama_token token;
};

// Flat token list of one wave plus, per token, the continuation tokens its logits predict.
struct Wave {
  DecodeBatch batch;
  std::vector<int32_t> unitStart;    // first token of each unit
  std::vector<int32_t> targetBegin;  // size n+1: targets of token i are [targetBegin[i], targetBegin[i+1])
  std::vector<Target> targets;

  void clear() {
    batch.clear();
    unitStart.clear();
    targetBegin.assign(1, 0);
    targets.clear();
  }
  void closeToken() { targetBegin.push_back(int32_t(targets.size())); }
};

std::string where(int g, int c) {
  return "group " + std::to_string(g) + (c >= 0 ? ", continuation " + std::to_string(c) : std::string());
}

void validate(const ContextHandle& h, const std::vector<ScoreGroup>& groups) {
  const int32_t nVocab = h.model->nVocab;
  auto checkTokens = [&](const std::vector<llama_token>& v, int g, int c) {
    for (llama_token t : v) {
      if (t < 0 || t >= nVocab) {
        throw std::runtime_error(where(g, c) + ": token id " + std::to_string(t) + " is outside the vocabulary [0, " +
                                 std::to_string(nVocab) + ")");
      }
    }
  };
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& grp = groups[g];
    if (grp.prefix.empty()) throw std::runtime_error(where(int(g), -1) + ": the prefix is empty (give at least a BOS token)");
    checkTokens(grp.prefix, int(g), -1);
    for (size_t c = 0; c < grp.conts.size(); ++c) {
      checkTokens(grp.conts[c], int(g), int(c));
      const int64_t need = int64_t(grp.prefix.size()) + int64_t(grp.conts[c].size()) - 1;
      if (need > h.ctxPerSeq) {
        throw std::runtime_error(where(int(g), int(c)) + ": prefix (" + std::to_string(grp.prefix.size()) +
                                 " tokens) + continuation (" + std::to_string(grp.conts[c].size()) + " tokens) needs " +
                                 std::to_string(need) + " positions but the context holds " +
                                 std::to_string(h.ctxPerSeq) + " per sequence; truncate the prefix from the left");
      }
    }
  }
}

// Sequence ids a wave may use. Separate per-sequence caches have one cache per sequence, so at most
// nSeq. A unified cache is one pool of cells whose sequence ids are only labels (llama.cpp accepts
// ids up to LLAMA_MAX_SEQ = 256 there whatever n_seq_max is), so the cells are the real limit and a
// prefix can be shared by more continuations than the context has sequences (TruthfulQA's ~14
// answers decode their long question once, not twice).
constexpr int kUnifiedSeqIds = 64;
int seqBudget(const ContextHandle& h) { return h.unifiedKv ? std::max(h.nSeq, kUnifiedSeqIds) : h.nSeq; }

std::vector<Unit> makeUnits(const ContextHandle& h, const std::vector<ScoreGroup>& groups, int64_t pin) {
  const int maxConts = h.unifiedKv ? seqBudget(h) : 1;
  const int64_t cellsFree = h.nCtxTotal - pin;
  std::vector<Unit> units;
  for (size_t g = 0; g < groups.size(); ++g) {
    const int64_t p = int64_t(groups[g].prefix.size()) - pin;
    Unit cur{int(g), {}, p};
    for (size_t c = 0; c < groups[g].conts.size(); ++c) {
      const int64_t len = int64_t(groups[g].conts[c].size());
      if (len == 0) continue;
      if (!cur.conts.empty() && (int(cur.conts.size()) >= maxConts || cur.cells + len - 1 > cellsFree)) {
        units.push_back(cur);
        cur = Unit{int(g), {}, p};
      }
      cur.conts.push_back(int(c));
      cur.cells += len - 1;
    }
    if (!cur.conts.empty()) units.push_back(cur);
  }
  return units;
}

void fillWave(Wave& w, const std::vector<ScoreGroup>& groups, const std::vector<Unit>& units, size_t from, size_t to, int pin) {
  w.clear();
  llama_seq_id nextSeq = 0;
  std::vector<llama_seq_id> seqs;
  for (size_t u = from; u < to; ++u) {
    const Unit& unit = units[u];
    const ScoreGroup& grp = groups[unit.group];
    const int p = int(grp.prefix.size());
    w.unitStart.push_back(w.batch.size());
    seqs.clear();
    for (size_t k = 0; k < unit.conts.size(); ++k) seqs.push_back(nextSeq++);
    for (int i = pin; i < p; ++i) {
      const bool last = i == p - 1;
      w.batch.add(grp.prefix[i], i, seqs.data(), int(seqs.size()), last);
      if (last) {
        for (int c : unit.conts) w.targets.push_back({unit.group, c, 0, grp.conts[c][0]});
      }
      w.closeToken();
    }
    for (size_t k = 0; k < unit.conts.size(); ++k) {
      const auto& cont = grp.conts[unit.conts[k]];
      for (size_t j = 0; j + 1 < cont.size(); ++j) {
        w.batch.add(cont[j], llama_pos(p + j), &seqs[k], 1, true);
        w.targets.push_back({unit.group, unit.conts[k], int(j + 1), cont[j + 1]});
        w.closeToken();
      }
    }
  }
}

// Decode-call boundaries of a wave, each at most one physical batch. With per-sequence caches
// llama.cpp cuts a batch into ubatches of equal-length sequence pieces, so calls are aligned to whole
// units there (4 units of 127 tokens make one 508-token ubatch instead of several small ones).
std::vector<int32_t> chunkBounds(const ContextHandle& h, const Wave& w) {
  const int32_t limit = std::min(h.nBatch, h.nUbatch);
  const int32_t n = w.batch.size();
  if (h.unifiedKv) return balancedChunks(n, limit);
  std::vector<int32_t> bounds{0};
  for (size_t k = 0; k < w.unitStart.size();) {
    const int32_t from = w.unitStart[k];
    size_t next = k + 1;
    auto endOf = [&](size_t i) { return i + 1 < w.unitStart.size() ? w.unitStart[i + 1] : n; };
    while (next < w.unitStart.size() && endOf(next) - from <= limit) ++next;
    const int32_t to = endOf(next - 1);
    for (int32_t b : balancedChunks(to - from, limit)) {
      if (b > 0) bounds.push_back(from + b);
    }
    k = next;
  }
  return bounds;
}

// Runs fn(i) for i in [0, n) on up to nThreads threads (inline when the work is small).
template <typename Fn>
void parallelFor(int n, int nThreads, int64_t work, Fn fn) {
  const int threads = std::max(1, std::min(nThreads, n));
  if (threads == 1 || work < (int64_t(1) << 20)) {  // ~0.5 ms of vectorised exp: not worth threads
    for (int i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  auto run = [&](int t) {
    for (int i = t; i < n; i += threads) fn(i);
  };
  for (int t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
}

}  // namespace

std::vector<std::vector<ContinuationScore>> scoreGroups(ContextHandle& h, const std::vector<ScoreGroup>& groups,
                                                         ScoreStats& stats) {
  validate(h, groups);
  std::vector<std::vector<ContinuationScore>> out(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    out[g].resize(groups[g].conts.size());
    for (size_t c = 0; c < groups[g].conts.size(); ++c) {
      out[g][c].logprobs.assign(groups[g].conts[c].size(), 0.0);
      out[g][c].greedy.assign(groups[g].conts[c].size(), 0);
    }
  }
  // A prefix shared by every group (e.g. fixed few-shot examples) stays in the KV cache with every
  // sequence id, across waves and across calls: only the rest of each prefix is decoded.
  const int pin = pinSharedPrefix(h, groups, seqBudget(h), stats);
  const std::vector<Unit> units = makeUnits(h, groups, pin);
  const int32_t nVocab = h.model->nVocab;
  llama_memory_t mem = llama_get_memory(h.ctx);
  Wave w;
  DecodeBatch chunk;
  std::vector<int> outIdx;
  std::vector<const float*> rows;

  // With a unified KV cache every query scans the mask of all cells in use, so attention cost per
  // token grows with the wave size: keep a wave to about one physical batch (n_ubatch; waves of 256
  // cells were ~10% cheaper single-threaded but twice as many decode calls cost far more with
  // several threads). Separate per-sequence caches have no such cost: a wave fills all sequences.
  const int64_t waveCells = h.unifiedKv ? std::min<int64_t>(h.nCtxTotal - pin, std::max<int64_t>(h.nUbatch, 256)) : INT64_MAX;
  size_t u = 0;
  while (u < units.size()) {
    // pack units into one KV-cache fill
    size_t end = u;
    int seqs = 0;
    int64_t cells = 0;
    while (end < units.size()) {
      const int addSeqs = int(units[end].conts.size());
      const int64_t addCells = units[end].cells;
      if (end > u && (seqs + addSeqs > seqBudget(h) || cells + addCells > waveCells)) break;
      seqs += addSeqs;
      cells += addCells;
      ++end;
    }
    fillWave(w, groups, units, u, end, pin);
    u = end;
    ++stats.waves;
    if (pin > 0) {
      llama_memory_seq_rm(mem, -1, pin, -1);
    } else {
      llama_memory_clear(mem, false);
    }

    // one decode call per physical batch, so llama.cpp never splits off a single-token ubatch
    const std::vector<int32_t> bounds = chunkBounds(h, w);
    for (size_t k = 0; k + 1 < bounds.size(); ++k) {
      const int32_t a = bounds[k];
      chunk.clear();
      chunk.addRange(w.batch, a, bounds[k + 1]);
      const DecodeBatch::Padding pad = chunk.makeMultiRow(h.ctxPerSeq - 1);
      chunk.decode(h.ctx);
      chunk.dropDummy(h.ctx, pad);
      ++stats.decodeCalls;
      stats.decodedTokens += bounds[k + 1] - a;

      outIdx.clear();
      for (int32_t i = 0; i < bounds[k + 1] - a; ++i) {
        if (chunk.output[i] && i != pad.extraOutput) outIdx.push_back(i);
      }
      stats.outputs += int64_t(outIdx.size());
      // fetch the row pointers on this thread, then do the float64 log-softmax in parallel
      rows.resize(outIdx.size());
      for (size_t r = 0; r < outIdx.size(); ++r) {
        rows[r] = llama_get_logits_ith(h.ctx, outIdx[r]);
        if (!rows[r]) throw std::runtime_error("llama_get_logits_ith returned no logits");
      }
      parallelFor(int(outIdx.size()), h.nThreads, int64_t(outIdx.size()) * nVocab, [&](int r) {
        const float* l = rows[r];
        const RowStats st = rowStats(l, nVocab);
        const int i = a + outIdx[r];
        for (int t = w.targetBegin[i]; t < w.targetBegin[i + 1]; ++t) {
          const Target& tg = w.targets[t];
          ContinuationScore& cs = out[tg.group][tg.cont];
          cs.logprobs[tg.j] = double(l[tg.token]) - st.logSumExp;
          cs.greedy[tg.j] = tg.token == st.argmax ? 1 : 0;
        }
      });
    }
  }
  return out;
}

std::vector<float> evalAllLogits(ContextHandle& h, const std::vector<llama_token>& tokens) {
  if (tokens.empty()) throw std::runtime_error("evalLogits: tokens must not be empty");
  if (int64_t(tokens.size()) > h.ctxPerSeq) {
    throw std::runtime_error("evalLogits: " + std::to_string(tokens.size()) + " tokens exceed the context size " +
                             std::to_string(h.ctxPerSeq));
  }
  const int32_t nVocab = h.model->nVocab;
  for (llama_token t : tokens) {
    if (t < 0 || t >= nVocab) throw std::runtime_error("evalLogits: token id " + std::to_string(t) + " is outside the vocabulary");
  }
  h.claimCache(ContextHandle::CacheUse::none);
  llama_memory_clear(llama_get_memory(h.ctx), false);
  std::vector<float> logits(tokens.size() * size_t(nVocab));
  const llama_seq_id seq0 = 0;
  DecodeBatch batch;
  const std::vector<int32_t> bounds = balancedChunks(int32_t(tokens.size()), std::min(h.nBatch, h.nUbatch));
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    batch.clear();
    for (int32_t i = bounds[k]; i < bounds[k + 1]; ++i) batch.add(tokens[i], i, &seq0, 1, true);
    const DecodeBatch::Padding pad = batch.makeMultiRow(h.ctxPerSeq - 1);
    batch.decode(h.ctx);
    batch.dropDummy(h.ctx, pad);
    for (int32_t i = bounds[k]; i < bounds[k + 1]; ++i) {
      const float* row = llama_get_logits_ith(h.ctx, i - bounds[k]);
      std::copy(row, row + nVocab, logits.begin() + size_t(i) * nVocab);
    }
  }
  return logits;
}

}  // namespace densebench

// Cross-call prefix caching for the scorer: a prefix shared by every group of a call (a task's fixed
// few-shot examples) is decoded once into cells that carry every sequence id a wave may use, and
// stays there for the next waves and the next calls while they share it.
#include <algorithm>

#include "batch.h"
#include "scorer.h"

namespace densebench {

namespace {

// Shorter shared prefixes are decoded with each group as before (not worth a separate decode).
constexpr size_t kMinPin = 16;

size_t commonPrefix(const std::vector<llama_token>& a, const std::vector<llama_token>& b, size_t n) {
  n = std::min(n, std::min(a.size(), b.size()));
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

int pinSharedPrefix(ContextHandle& h, const std::vector<ScoreGroup>& groups, int seqIds, ScoreStats& stats) {
  const bool kept = h.claimCache(ContextHandle::CacheUse::scorer);
  llama_memory_t mem = llama_get_memory(h.ctx);
  size_t pin = 0;
  if (h.unifiedKv && !groups.empty()) {
    // every group keeps at least its last prefix token: its logits predict the first continuation token
    size_t cap = SIZE_MAX;
    for (const auto& g : groups) cap = std::min(cap, g.prefix.size() - 1);
    const auto& first = groups[0].prefix;
    pin = std::min(cap, first.size());
    for (size_t g = 1; g < groups.size() && pin > 0; ++g) pin = commonPrefix(first, groups[g].prefix, pin);
    // a call of one group only reuses what is cached (a lone context is no shared prefix)
    if (groups.size() == 1) pin = commonPrefix(first, h.pinned, pin);
    if (pin < kMinPin) pin = 0;
  }
  const size_t reuse = kept ? commonPrefix(h.pinned, groups.empty() ? h.pinned : groups[0].prefix, pin) : 0;
  if (pin == 0) {
    if (!h.pinned.empty() || kept) llama_memory_clear(mem, false);
    h.pinned.clear();
    return 0;
  }
  llama_memory_seq_rm(mem, -1, llama_pos(reuse), -1);
  h.pinned.assign(groups[0].prefix.begin(), groups[0].prefix.begin() + reuse);

  std::vector<llama_seq_id> seqs(size_t(std::max(1, seqIds)));
  for (size_t s = 0; s < seqs.size(); ++s) seqs[s] = llama_seq_id(s);
  const auto& prefix = groups[0].prefix;
  const std::vector<int32_t> bounds = balancedChunks(int32_t(pin - reuse), std::min(h.nBatch, h.nUbatch));
  DecodeBatch batch;
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    batch.clear();
    for (int32_t i = bounds[k]; i < bounds[k + 1]; ++i) {
      const size_t at = reuse + size_t(i);
      batch.add(prefix[at], llama_pos(at), seqs.data(), int32_t(seqs.size()), false);
    }
    const DecodeBatch::Padding pad = batch.makeMultiRow(h.ctxPerSeq - 1);
    try {
      batch.decode(h.ctx);
    } catch (...) {
      h.cacheUse = ContextHandle::CacheUse::none;
      throw;
    }
    batch.dropDummy(h.ctx, pad);
    ++stats.decodeCalls;
    stats.decodedTokens += bounds[k + 1] - bounds[k];
    h.pinned.insert(h.pinned.end(), prefix.begin() + reuse + bounds[k], prefix.begin() + reuse + bounds[k + 1]);
  }
  stats.pinnedTokens = int64_t(pin);
  stats.reusedTokens = int64_t(reuse);
  return int(pin);
}

}  // namespace densebench

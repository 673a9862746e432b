// Shared handles of the densebench llama.cpp addon.
//
// Ownership: JS wrapper objects hold shared_ptr handles; background jobs hold their own copies,
// so dispose() (or GC) never frees a model or context under a running job. A context keeps its
// model alive.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "llama.h"

namespace densebench {

struct ModelHandle {
  llama_model* model = nullptr;
  const llama_vocab* vocab = nullptr;
  std::string path;
  int32_t nVocab = 0;

  ModelHandle() = default;
  ModelHandle(const ModelHandle&) = delete;
  ModelHandle& operator=(const ModelHandle&) = delete;
  ~ModelHandle() {
    if (model) llama_model_free(model);
  }
};
using ModelPtr = std::shared_ptr<ModelHandle>;

struct ContextHandle {
  ModelPtr model;
  llama_context* ctx = nullptr;
  int32_t ctxPerSeq = 0;   // positions available to one sequence (user's contextSize)
  int32_t nCtxTotal = 0;   // KV cells of the whole context (llama_n_ctx)
  int32_t nBatch = 0;      // max tokens per llama_decode call
  int32_t nUbatch = 0;
  int32_t nSeq = 0;        // parallel sequences
  int32_t nThreads = 0;
  bool unifiedKv = true;   // one KV buffer shared by all sequences (needed for multi-seq prefix tokens)

  // What the KV cache keeps between jobs (prefix caching). Jobs of one context run one at a time, so
  // only the running job touches these. A job of another kind clears the cache first.
  enum class CacheUse { none, scorer, generator };
  CacheUse cacheUse = CacheUse::none;
  std::vector<std::vector<llama_token>> seqTokens;  // generator: tokens at positions 0.. of each sequence
  std::vector<llama_token> pinned;                  // scorer: shared prefix held by every sequence id

  // Makes the cache ready for `use`; returns false when it was cleared (nothing reusable).
  bool claimCache(CacheUse use) {
    if (cacheUse == use) return true;
    llama_memory_clear(llama_get_memory(ctx), false);
    seqTokens.assign(use == CacheUse::generator ? size_t(nSeq) : 0, {});
    pinned.clear();
    cacheUse = use;
    return false;
  }

  ContextHandle() = default;
  ContextHandle(const ContextHandle&) = delete;
  ContextHandle& operator=(const ContextHandle&) = delete;
  ~ContextHandle() {
    if (ctx) llama_free(ctx);
  }
};
using ContextPtr = std::shared_ptr<ContextHandle>;

// Text of one token (raw bytes; may be a partial UTF-8 sequence).
std::string tokenPiece(const llama_vocab* vocab, llama_token token, bool special);

}  // namespace densebench

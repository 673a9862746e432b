// Log-likelihood scoring of continuations given shared prefixes (pure C++, runs off the JS thread).
#pragma once

#include <cstdint>
#include <vector>

#include "common.h"

namespace densebench {

struct ScoreGroup {
  std::vector<llama_token> prefix;               // non-empty
  std::vector<std::vector<llama_token>> conts;   // scored given prefix
};

struct ContinuationScore {
  std::vector<double> logprobs;  // log p(cont[j] | prefix + cont[0..j-1]), float64 log-softmax
  std::vector<uint8_t> greedy;   // 1 if cont[j] is the (first) argmax of the logits
};

struct ScoreStats {
  int64_t decodedTokens = 0;  // tokens submitted to llama_decode
  int64_t outputs = 0;        // positions whose logits were requested
  int64_t decodeCalls = 0;
  int64_t waves = 0;          // KV-cache fills
  int64_t pinnedTokens = 0;   // shared prefix kept in the cache for all groups of the call
  int64_t reusedTokens = 0;   // of those, tokens already in the cache from an earlier call
};

// Keeps the longest token prefix shared by all groups (capped so every group still decodes its last
// prefix token) in the KV cache, labelled with sequence ids [0, seqIds), reusing what an earlier
// call left there; returns its length (0: nothing pinned, the cache is cleared). Unified KV only.
int pinSharedPrefix(ContextHandle& h, const std::vector<ScoreGroup>& groups, int seqIds, ScoreStats& stats);

// Throws std::runtime_error (with the group/continuation index) on invalid input or decode failure.
std::vector<std::vector<ContinuationScore>> scoreGroups(ContextHandle& h, const std::vector<ScoreGroup>& groups,
                                                         ScoreStats& stats);

// Full logits (n_tokens x n_vocab, row-major) of one sequence; for tests and debugging.
std::vector<float> evalAllLogits(ContextHandle& h, const std::vector<llama_token>& tokens);

}  // namespace densebench

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
};

// Throws std::runtime_error (with the group/continuation index) on invalid input or decode failure.
std::vector<std::vector<ContinuationScore>> scoreGroups(ContextHandle& h, const std::vector<ScoreGroup>& groups,
                                                         ScoreStats& stats);

// Full logits (n_tokens x n_vocab, row-major) of one sequence; for tests and debugging.
std::vector<float> evalAllLogits(ContextHandle& h, const std::vector<llama_token>& tokens);

}  // namespace densebench

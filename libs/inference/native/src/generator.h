// Batched generation: many prompts decoded in parallel sequences (continuous batching), with the
// prompt's KV cache kept per sequence between requests and jobs (prefix caching), and optional
// continuations scored given the prompt from the same decoded prompt (conditional loss).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common.h"
#include "scorer.h"

namespace densebench {

struct GenerateRequest {
  std::vector<llama_token> prompt;  // non-empty
  int32_t maxTokens = 256;          // 0: score only
  float temperature = 0.0f;         // <= 0: greedy
  float topP = 1.0f;
  int32_t topK = 0;                 // <= 0: disabled
  uint32_t seed = 0;
  std::vector<std::string> stop;    // checked on the generated text as tokens arrive
  std::vector<std::vector<llama_token>> score;  // continuations scored given the prompt
  int32_t scoreFrom = -1;  // they follow the first scoreFrom prompt tokens (-1: the whole prompt)
};

// Prompt tokens the scored continuations follow.
inline size_t scoreBase(const GenerateRequest& r) {
  return r.score.empty() || r.scoreFrom < 0 ? r.prompt.size() : size_t(r.scoreFrom);
}

struct GenerateResult {
  std::vector<llama_token> tokens;  // generated tokens (without a final end-of-generation token)
  std::string text;                 // concatenated token pieces, cut before the first stop string
  std::string finishReason;         // "eog" | "stop" | "length" | "context"
  int32_t promptTokens = 0;
  int32_t reusedTokens = 0;         // prompt tokens found in the KV cache (not decoded again)
  std::vector<ContinuationScore> scores;  // one per GenerateRequest::score entry
  double ttftMs = 0;                // from the start of the request's processing to its first token
  double totalMs = 0;
};

struct GenerateStats {
  int64_t decodedTokens = 0;
  int64_t decodeCalls = 0;
  int64_t reusedTokens = 0;  // prompt tokens taken from the cache
  int64_t cacheCopies = 0;   // sequences copied from another sequence's cache
};

// Called on the worker thread when request `index` is finished (its result is final).
using OnFinished = std::function<void(size_t index, const GenerateResult& result)>;

std::vector<GenerateResult> generateAll(ContextHandle& h, const std::vector<GenerateRequest>& requests,
                                        GenerateStats& stats, const OnFinished& onFinished = nullptr);

}  // namespace densebench

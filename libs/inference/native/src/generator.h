// Batched generation: several prompts decoded in parallel sequences (continuous batching).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace densebench {

struct GenerateRequest {
  std::vector<llama_token> prompt;  // non-empty
  int32_t maxTokens = 256;
  float temperature = 0.0f;         // <= 0: greedy
  float topP = 1.0f;
  int32_t topK = 0;                 // <= 0: disabled
  uint32_t seed = 0;
  std::vector<std::string> stop;    // checked on the generated text
};

struct GenerateResult {
  std::vector<llama_token> tokens;  // generated tokens (without a final end-of-generation token)
  std::string text;                 // concatenated token pieces, cut before the first stop string
  std::string finishReason;         // "eog" | "stop" | "length" | "context"
  int32_t promptTokens = 0;
  double ttftMs = 0;                // from the start of the request's processing to its first token
  double totalMs = 0;
};

struct GenerateStats {
  int64_t decodedTokens = 0;
  int64_t decodeCalls = 0;
};

std::vector<GenerateResult> generateAll(ContextHandle& h, const std::vector<GenerateRequest>& requests,
                                        GenerateStats& stats);

}  // namespace densebench

// Helpers of the generation engine: samplers, stop strings, prefix matching, request checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "generator.h"

namespace densebench {

struct SamplerDeleter {
  void operator()(llama_sampler* s) const {
    if (s) llama_sampler_free(s);
  }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

// Greedy for temperature <= 0, else top-k, top-p, temperature and a seeded draw.
SamplerPtr makeSampler(const GenerateRequest& r);

size_t commonPrefix(const std::vector<llama_token>& a, const std::vector<llama_token>& b);

// Earliest occurrence of any stop string that ends in the text appended since oldLen (npos: none).
size_t findStop(const std::string& text, size_t oldLen, const std::vector<std::string>& stops);

// Throws std::runtime_error naming the request on invalid input.
void validateRequests(const ContextHandle& h, const std::vector<GenerateRequest>& requests);

}  // namespace densebench

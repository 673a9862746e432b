#include "generate-util.h"

#include <algorithm>

namespace densebench {

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

size_t commonPrefix(const std::vector<llama_token>& a, const std::vector<llama_token>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

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

void validateRequests(const ContextHandle& h, const std::vector<GenerateRequest>& requests) {
  auto checkTokens = [&](const std::vector<llama_token>& v, const std::string& at) {
    for (llama_token t : v) {
      if (t < 0 || t >= h.model->nVocab) throw std::runtime_error(at + "token id " + std::to_string(t) + " is outside the vocabulary");
    }
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    const std::string at = "request " + std::to_string(i) + ": ";
    if (r.prompt.empty()) throw std::runtime_error(at + "the prompt is empty (give at least a BOS token)");
    if (r.maxTokens < 0) throw std::runtime_error(at + "maxTokens must be >= 0");
    checkTokens(r.prompt, at);
    if (r.scoreFrom == 0 || r.scoreFrom > int32_t(r.prompt.size())) {
      throw std::runtime_error(at + "scoreFrom must be within 1.." + std::to_string(r.prompt.size()));
    }
    for (const auto& c : r.score) {
      checkTokens(c, at);
      if (int64_t(scoreBase(r) + c.size()) - 1 > h.ctxPerSeq) {
        throw std::runtime_error(at + "prompt (" + std::to_string(r.prompt.size()) + " tokens) + scored continuation (" +
                                 std::to_string(c.size()) + ") exceed the context of " + std::to_string(h.ctxPerSeq) +
                                 " per sequence; truncate the prompt from the left");
      }
    }
  }
}

}  // namespace densebench

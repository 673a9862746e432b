// float64 log-sum-exp and argmax of one row of float32 logits (the full vocabulary).
#pragma once

#include <cstdint>

namespace densebench {

struct RowStats {
  double logSumExp;  // log(sum_v exp(logits[v])), computed in float64
  int32_t argmax;    // first index of the maximum logit (as torch.argmax / llama.cpp's greedy sampler)
};

RowStats rowStats(const float* logits, int32_t n);

}  // namespace densebench

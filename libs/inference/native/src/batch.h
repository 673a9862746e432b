// A llama_batch built from std::vectors, plus the "multi-row" rule that keeps results independent
// of how requests were batched.
//
// ggml's CPU matmul uses a matrix-vector kernel when a tensor has a single row (one token in the
// ubatch, or one output row), and its float32 rounding differs from the multi-row kernels by ~1 ulp,
// which the f16 KV cache can amplify to ~1e-3 in a log-probability. All multi-row kernels give
// bit-identical rows, so we never decode a single token or request a single output: a lone token
// gets a throw-away copy at the next position, a lone output gets a throw-away second output.
#pragma once

#include <string>
#include <vector>

#include "backend.h"
#include "common.h"

namespace densebench {

struct DecodeBatch {
  std::vector<llama_token> token;
  std::vector<llama_pos> pos;
  std::vector<int32_t> nSeq;
  std::vector<int32_t> seqOffset;
  std::vector<llama_seq_id> seqPool;
  std::vector<int8_t> output;

  int32_t size() const { return int32_t(token.size()); }
  void clear() {
    token.clear(); pos.clear(); nSeq.clear(); seqOffset.clear(); seqPool.clear(); output.clear();
  }
  void add(llama_token t, llama_pos p, const llama_seq_id* seqs, int32_t n, bool out) {
    token.push_back(t);
    pos.push_back(p);
    nSeq.push_back(n);
    seqOffset.push_back(int32_t(seqPool.size()));
    seqPool.insert(seqPool.end(), seqs, seqs + n);
    output.push_back(out ? 1 : 0);
  }
  // Copies tokens [a, b) of another batch.
  void addRange(const DecodeBatch& o, int32_t a, int32_t b) {
    for (int32_t i = a; i < b; ++i) add(o.token[i], o.pos[i], o.seqPool.data() + o.seqOffset[i], o.nSeq[i], o.output[i] != 0);
  }
  int32_t outputs() const {
    int32_t n = 0;
    for (int8_t o : output) n += o != 0;
    return n;
  }

  struct Padding {
    bool dummy = false;        // a copy of token 0 was appended at pos[0] + 1 (same sequences)
    int32_t extraOutput = -1;  // index whose output was switched on only for the multi-row rule
  };
  // Applies the multi-row rule. maxPos: the highest position the dummy token may take.
  Padding makeMultiRow(llama_pos maxPos) {
    Padding pad;
    if (size() == 1 && pos[0] + 1 <= maxPos) {
      add(token[0], pos[0] + 1, seqPool.data() + seqOffset[0], nSeq[0], output[0] != 0);
      pad.dummy = true;
      return pad;
    }
    if (outputs() == 1 && size() >= 2) {
      for (int32_t i = 0; i < size(); ++i) {
        if (!output[i]) {
          output[i] = 1;
          pad.extraOutput = i;
          break;
        }
      }
    }
    return pad;
  }

  // Removes the throw-away copy from the KV cache after decoding, so its sequences continue at
  // the right position.
  void dropDummy(llama_context* ctx, const Padding& pad) const {
    if (!pad.dummy) return;
    const int32_t i = size() - 1;
    for (int32_t k = 0; k < nSeq[i]; ++k) llama_memory_seq_rm(llama_get_memory(ctx), seqPool[seqOffset[i] + k], pos[i], -1);
  }

  // Decodes; throws std::runtime_error with llama.cpp's error text on failure.
  void decode(llama_context* ctx) {
    seqPtr_.resize(token.size());
    for (size_t i = 0; i < token.size(); ++i) seqPtr_[i] = seqPool.data() + seqOffset[i];
    llama_batch b{size(), token.data(), nullptr, pos.data(), nSeq.data(), seqPtr_.data(), output.data()};
    clearLastLlamaError();
    const int32_t ret = llama_decode(ctx, b);
    if (ret != 0) {
      const std::string detail = lastLlamaError();
      throw std::runtime_error("llama_decode failed with code " + std::to_string(ret) +
                               (detail.empty() ? std::string() : ": " + detail));
    }
  }

 private:
  std::vector<llama_seq_id*> seqPtr_;
};

// Splits n tokens into decode calls of at most `limit` tokens, as evenly as possible
// (so no call is left with a single token when n >= 2).
inline std::vector<int32_t> balancedChunks(int32_t n, int32_t limit) {
  std::vector<int32_t> bounds{0};
  if (n <= 0) return bounds;
  const int32_t count = (n + limit - 1) / limit;
  for (int32_t k = 1; k <= count; ++k) bounds.push_back(int32_t((int64_t(n) * k) / count));
  return bounds;
}

}  // namespace densebench

// One sequence slot of the generation engine (generator.cpp): the request it runs and where it is.
#pragma once

#include <chrono>
#include <cstdint>

#include "generate-util.h"

namespace densebench {
namespace gen {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

enum class Phase { idle, prompt, score, gen };

struct Slot {
  int req = -1;
  Phase phase = Phase::idle;
  size_t promptPos = 0;  // next prompt token to decode
  size_t cont = 0;       // continuation being scored
  size_t contPos = 0;    // its next token to decode
  llama_pos nPast = 0;
  llama_token last = 0;
  int32_t rowFrom = -1;  // this step's tokens in the batch
  int32_t rowCount = 0;
  bool gotFirst = false;
  bool scored = false;   // the continuations to score are done (or there are none)
  bool copied = false;   // received another slot's cache this step
  const char* pendingFinish = nullptr;  // generation ended while continuations were still to score
  Clock::time_point t0;
  SamplerPtr sampler;
};

}  // namespace gen
}  // namespace densebench

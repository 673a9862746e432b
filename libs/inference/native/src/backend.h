// Process-wide llama.cpp state: backend initialisation, dynamic ggml backends, log capture,
// and the GGUF header check done before handing a file to llama.cpp.
#pragma once

#include <string>
#include <vector>

namespace densebench {

struct DeviceInfo {
  std::string name;
  std::string description;
  std::string type;  // "cpu" | "gpu" | "igpu" | "accel"
};

// llama_backend_init + log hook, once per process. Safe to call repeatedly.
void ensureBackendInitialized();

// Loads the ggml backends (libggml-cpu-*.so, libggml-cuda.so, ...) found in binsDir, once per
// process, unless a device is already registered in our libggml (node-llama-cpp's CPU build shares
// it; its GPU builds ship libggml/libllama under other sonames and keep their own registry).
// GPU backends only need libggml-base.so, which is byte-identical in all @node-llama-cpp packages,
// so binsDir may point at e.g. @node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda.
// Returns true if this call loaded them.
bool loadBackends(const std::string& binsDir);
bool backendsLoaded();
std::vector<DeviceInfo> listDevices();

// Error-level llama.cpp / ggml log lines emitted on the calling thread since the last clear.
void clearLastLlamaError();
std::string lastLlamaError();

// Throws std::runtime_error with a readable message if path is missing, not GGUF, or of a GGUF
// version llama.cpp cannot read.
void checkGgufFile(const std::string& path);

}  // namespace densebench

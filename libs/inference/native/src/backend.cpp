#include "backend.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include "ggml-backend.h"
#include "llama.h"

namespace densebench {

namespace {

std::once_flag g_initOnce;
std::mutex g_backendMutex;
bool g_backendsLoaded = false;
int g_printLevel = GGML_LOG_LEVEL_NONE;  // from DENSEBENCH_LLAMA_LOG; NONE = print nothing

thread_local std::string t_lastError;
thread_local int t_lastLevel = GGML_LOG_LEVEL_NONE;

int parseLogLevel(const char* s) {
  if (!s) return GGML_LOG_LEVEL_NONE;
  std::string v(s);
  if (v == "debug") return GGML_LOG_LEVEL_DEBUG;
  if (v == "info" || v == "1" || v == "true") return GGML_LOG_LEVEL_INFO;
  if (v == "warn") return GGML_LOG_LEVEL_WARN;
  if (v == "error") return GGML_LOG_LEVEL_ERROR;
  return GGML_LOG_LEVEL_NONE;
}

void logCallback(ggml_log_level level, const char* text, void* /*user*/) {
  int effective = level == GGML_LOG_LEVEL_CONT ? t_lastLevel : level;
  if (level != GGML_LOG_LEVEL_CONT) t_lastLevel = level;
  if (effective == GGML_LOG_LEVEL_ERROR && text) {
    if (t_lastError.size() < 4096) t_lastError += text;
  }
  if (g_printLevel != GGML_LOG_LEVEL_NONE && effective >= g_printLevel && text) {
    std::fputs(text, stderr);
  }
}

}  // namespace

void ensureBackendInitialized() {
  std::call_once(g_initOnce, [] {
    g_printLevel = parseLogLevel(std::getenv("DENSEBENCH_LLAMA_LOG"));
    llama_log_set(logCallback, nullptr);
    llama_backend_init();
  });
}

bool loadBackends(const std::string& binsDir) {
  ensureBackendInitialized();
  std::lock_guard<std::mutex> lock(g_backendMutex);
  if (g_backendsLoaded) return false;
  if (ggml_backend_dev_count() == 0) {
    if (binsDir.empty()) {
      throw std::runtime_error(
          "no ggml backend is loaded and no binsDir was given (expected the directory holding "
          "libggml-cpu-*.so, e.g. node_modules/@node-llama-cpp/linux-x64/bins/linux-x64)");
    }
    ggml_backend_load_all_from_path(binsDir.c_str());
  }
  if (ggml_backend_dev_count() == 0) {
    throw std::runtime_error("no ggml backend could be loaded from " + binsDir +
                             " (no usable libggml-cpu-*.so there?)");
  }
  g_backendsLoaded = true;
  return true;
}

bool backendsLoaded() {
  std::lock_guard<std::mutex> lock(g_backendMutex);
  return g_backendsLoaded;
}

std::vector<DeviceInfo> listDevices() {
  std::vector<DeviceInfo> out;
  for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
    ggml_backend_dev_t dev = ggml_backend_dev_get(i);
    DeviceInfo d;
    d.name = ggml_backend_dev_name(dev);
    d.description = ggml_backend_dev_description(dev);
    switch (ggml_backend_dev_type(dev)) {
      case GGML_BACKEND_DEVICE_TYPE_CPU: d.type = "cpu"; break;
      case GGML_BACKEND_DEVICE_TYPE_GPU: d.type = "gpu"; break;
      case GGML_BACKEND_DEVICE_TYPE_IGPU: d.type = "igpu"; break;
      default: d.type = "accel"; break;
    }
    out.push_back(d);
  }
  return out;
}

void clearLastLlamaError() {
  t_lastError.clear();
}

std::string lastLlamaError() {
  std::string s = t_lastError;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (auto& c : s) {
    if (c == '\n') c = ';';
  }
  return s;
}

void checkGgufFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    int err = errno;
    if (err == ENOENT) throw std::runtime_error("model file not found: " + path);
    throw std::runtime_error("cannot open model file " + path + ": " + std::strerror(err));
  }
  unsigned char header[8] = {0};
  f.read(reinterpret_cast<char*>(header), sizeof(header));
  if (f.gcount() < 8 || std::memcmp(header, "GGUF", 4) != 0) {
    throw std::runtime_error("not a GGUF model file (missing the 'GGUF' magic): " + path);
  }
  uint32_t version = uint32_t(header[4]) | (uint32_t(header[5]) << 8) | (uint32_t(header[6]) << 16) |
                     (uint32_t(header[7]) << 24);
  if (version == 1) {
    throw std::runtime_error("unsupported GGUF version 1 (llama.cpp reads GGUF v2 and v3); re-convert "
                             "the model with a current llama.cpp convert script: " + path);
  }
  if (version < 1 || version > 3) {
    throw std::runtime_error("unsupported GGUF version " + std::to_string(version) +
                             " (llama.cpp reads GGUF v2 and v3): " + path);
  }
}

}  // namespace densebench

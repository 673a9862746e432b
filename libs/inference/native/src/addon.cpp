// densebench_llama: a thin N-API addon over llama.cpp for exact, fast log-likelihood scoring and
// batched generation. Exports: init(binsDir), loadModel(path, opts), devices(), systemInfo(),
// llamaVersion, and the Model / Context classes (instances come from loadModel / createContext).
#include <napi.h>

#include "backend.h"
#include "wrap.h"

namespace densebench {

namespace {

class LoadModelWorker : public Napi::AsyncWorker {
 public:
  LoadModelWorker(Napi::Env env, std::string path, std::string binsDir, llama_model_params params)
      : Napi::AsyncWorker(env, "densebench:loadModel"),
        path_(std::move(path)),
        binsDir_(std::move(binsDir)),
        params_(params),
        deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    checkGgufFile(path_);
    if (!backendsLoaded()) loadBackends(binsDir_);
    clearLastLlamaError();
    llama_model* model = llama_model_load_from_file(path_.c_str(), params_);
    if (!model) {
      const std::string detail = lastLlamaError();
      throw std::runtime_error("failed to load model " + path_ + (detail.empty() ? std::string() : ": " + detail));
    }
    handle_ = std::make_shared<ModelHandle>();
    handle_->model = model;
    handle_->vocab = llama_model_get_vocab(model);
    handle_->nVocab = llama_vocab_n_tokens(handle_->vocab);
    handle_->path = path_;
  }
  void OnOK() override {
    try {
      deferred_.Resolve(ModelWrap::NewInstance(Env(), handle_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string path_;
  std::string binsDir_;
  llama_model_params params_;
  ModelPtr handle_;
  Napi::Promise::Deferred deferred_;
};

std::string optString(Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return "";
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string("loadModel: ") + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string binsDir = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  try {
    loadBackends(binsDir);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  return Napi::Boolean::New(env, backendsLoaded());
}

Napi::Value LoadModelImpl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "loadModel: path must be a string");
  Napi::Object o = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
  llama_model_params p = llama_model_default_params();
  Napi::Value gpu = o.Get("gpuLayers");
  if (gpu.IsNumber()) p.n_gpu_layers = gpu.As<Napi::Number>().Int32Value();
  Napi::Value mmap = o.Get("useMmap");
  if (mmap.IsBoolean()) p.load_mode = mmap.As<Napi::Boolean>().Value() ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
  auto* worker = new LoadModelWorker(env, info[0].As<Napi::String>().Utf8Value(), optString(o, "binsDir"), p);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// Every loadModel error (including bad arguments) is reported through the returned promise.
Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  try {
    return LoadModelImpl(info);
  } catch (const Napi::Error& e) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(info.Env());
    d.Reject(e.Value());
    return d.Promise();
  }
}

Napi::Value Devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<DeviceInfo> devs = listDevices();
  Napi::Array out = Napi::Array::New(env, devs.size());
  for (size_t i = 0; i < devs.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", devs[i].name);
    o.Set("description", devs[i].description);
    o.Set("type", devs[i].type);
    out.Set(uint32_t(i), o);
  }
  return out;
}

Napi::Value SystemInfo(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), llama_print_system_info());
}

}  // namespace

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  ensureBackendInitialized();
  auto* data = new AddonData();
  data->modelCtor = Napi::Persistent(ModelWrap::Define(env));
  data->contextCtor = Napi::Persistent(ContextWrap::Define(env));
  env.SetInstanceData<AddonData>(data);
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  exports.Set("loadModel", Napi::Function::New<LoadModel>(env, "loadModel"));
  exports.Set("devices", Napi::Function::New<Devices>(env, "devices"));
  exports.Set("systemInfo", Napi::Function::New<SystemInfo>(env, "systemInfo"));
  exports.Set("llamaVersion", Napi::String::New(env, llama_version()));
  exports.Set("Model", data->modelCtor.Value());
  exports.Set("Context", data->contextCtor.Value());
  return exports;
}

}  // namespace densebench

static Napi::Object InitDensebenchLlama(Napi::Env env, Napi::Object exports) {
  return densebench::InitModule(env, exports);
}

NODE_API_MODULE(densebench_llama, InitDensebenchLlama)

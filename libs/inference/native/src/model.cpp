// Model: metadata, tokenizer and context creation.
#include <algorithm>
#include <thread>

#include "backend.h"
#include "wrap.h"

namespace densebench {

std::string tokenPiece(const llama_vocab* vocab, llama_token token, bool special) {
  char buf[256];
  int32_t n = llama_token_to_piece(vocab, token, buf, sizeof(buf), 0, special);
  if (n >= 0) return std::string(buf, size_t(n));
  std::string big(size_t(-n), '\0');
  n = llama_token_to_piece(vocab, token, big.data(), int32_t(big.size()), 0, special);
  big.resize(size_t(std::max<int32_t>(n, 0)));
  return big;
}

Napi::Error disposedError(Napi::Env env, const char* what) {
  Napi::Error err = Napi::Error::New(env, std::string(what) + " has been disposed");
  err.Set("code", Napi::String::New(env, "ERR_DISPOSED"));
  return err;
}

std::vector<llama_token> toTokens(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    Napi::Int32Array a = v.As<Napi::Int32Array>();
    return std::vector<llama_token>(a.Data(), a.Data() + a.ElementLength());
  }
  if (v.IsArray()) {
    Napi::Array a = v.As<Napi::Array>();
    std::vector<llama_token> out(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value x = a.Get(i);
      if (!x.IsNumber()) throw Napi::TypeError::New(env, what + " must contain only token ids (numbers)");
      out[i] = x.As<Napi::Number>().Int32Value();
    }
    return out;
  }
  throw Napi::TypeError::New(env, what + " must be an Int32Array of token ids");
}

namespace {

int32_t optInt(Napi::Object o, const char* key, int32_t def, int32_t min, int32_t max) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return def;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("createContext: ") + key + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != double(int64_t(d)) || d < min || d > max) {
    throw Napi::RangeError::New(o.Env(), std::string("createContext: ") + key + " must be an integer in [" +
                                             std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return int32_t(d);
}

}  // namespace

Napi::Function ModelWrap::Define(Napi::Env env) {
  return DefineClass(env, "Model",
                     {InstanceMethod<&ModelWrap::Info>("info"),
                      InstanceMethod<&ModelWrap::Tokenize>("tokenize"),
                      InstanceMethod<&ModelWrap::Detokenize>("detokenize"),
                      InstanceMethod<&ModelWrap::TokenToPiece>("tokenToPiece"),
                      InstanceMethod<&ModelWrap::CreateContext>("createContext"),
                      InstanceMethod<&ModelWrap::Dispose>("dispose"),
                      InstanceAccessor<&ModelWrap::Disposed>("disposed")});
}

Napi::Object ModelWrap::NewInstance(Napi::Env env, ModelPtr handle) {
  auto* data = env.GetInstanceData<AddonData>();
  return data->modelCtor.New({Napi::External<ModelPtr>::New(env, new ModelPtr(std::move(handle)))});
}

ModelWrap::ModelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Model objects are created by loadModel()");
  }
  std::unique_ptr<ModelPtr> holder(info[0].As<Napi::External<ModelPtr>>().Data());
  handle_ = *holder;
}

ModelPtr ModelWrap::require(Napi::Env env) const {
  if (!handle_) throw disposedError(env, "Model");
  return handle_;
}

Napi::Value ModelWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelPtr m = require(env);
  char buf[512];
  Napi::Object o = Napi::Object::New(env);
  o.Set("nParams", Napi::Number::New(env, double(llama_model_n_params(m->model))));
  o.Set("nCtxTrain", Napi::Number::New(env, llama_model_n_ctx_train(m->model)));
  o.Set("nVocab", Napi::Number::New(env, m->nVocab));
  o.Set("nLayer", Napi::Number::New(env, llama_model_n_layer(m->model)));
  o.Set("nEmbd", Napi::Number::New(env, llama_model_n_embd(m->model)));
  o.Set("bos", Napi::Number::New(env, llama_vocab_bos(m->vocab)));
  o.Set("eos", Napi::Number::New(env, llama_vocab_eos(m->vocab)));
  o.Set("addBos", Napi::Boolean::New(env, llama_vocab_get_add_bos(m->vocab)));
  o.Set("addEos", Napi::Boolean::New(env, llama_vocab_get_add_eos(m->vocab)));
  int32_t n = llama_model_desc(m->model, buf, sizeof(buf));
  o.Set("description", Napi::String::New(env, n > 0 ? std::string(buf, std::min<size_t>(size_t(n), sizeof(buf) - 1)) : ""));
  o.Set("sizeBytes", Napi::Number::New(env, double(llama_model_size(m->model))));
  n = llama_model_meta_val_str(m->model, "general.architecture", buf, sizeof(buf));
  o.Set("architecture", Napi::String::New(env, n >= 0 ? std::string(buf) : ""));
  n = llama_model_meta_val_str(m->model, "general.name", buf, sizeof(buf));
  o.Set("name", Napi::String::New(env, n >= 0 ? std::string(buf) : ""));
  o.Set("path", Napi::String::New(env, m->path));
  return o;
}

Napi::Value ModelWrap::Tokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelPtr m = require(env);
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "tokenize: text must be a string");
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  const bool addSpecial = info.Length() > 1 && info[1].IsBoolean() ? info[1].As<Napi::Boolean>().Value() : true;
  const bool parseSpecial = info.Length() > 2 && info[2].IsBoolean() ? info[2].As<Napi::Boolean>().Value() : false;
  if (text.size() > size_t(INT32_MAX) / 2) throw Napi::RangeError::New(env, "tokenize: text is too long");
  std::vector<llama_token> toks(text.size() + 8);
  int32_t n = llama_tokenize(m->vocab, text.data(), int32_t(text.size()), toks.data(), int32_t(toks.size()), addSpecial,
                             parseSpecial);
  if (n < 0 && n != INT32_MIN) {
    toks.resize(size_t(-n));
    n = llama_tokenize(m->vocab, text.data(), int32_t(text.size()), toks.data(), int32_t(toks.size()), addSpecial,
                       parseSpecial);
  }
  if (n < 0) throw Napi::Error::New(env, "tokenize: llama_tokenize failed");
  Napi::Int32Array out = Napi::Int32Array::New(env, size_t(n));
  std::copy(toks.begin(), toks.begin() + n, out.Data());
  return out;
}

Napi::Value ModelWrap::Detokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelPtr m = require(env);
  std::vector<llama_token> toks = toTokens(env, info[0], "detokenize: tokens");
  for (llama_token t : toks) {
    if (t < 0 || t >= m->nVocab) throw Napi::RangeError::New(env, "detokenize: token id " + std::to_string(t) + " is outside the vocabulary");
  }
  const bool removeSpecial = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  const bool unparseSpecial = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
  std::string text(toks.size() * 8 + 16, '\0');
  int32_t n = llama_detokenize(m->vocab, toks.data(), int32_t(toks.size()), text.data(), int32_t(text.size()),
                               removeSpecial, unparseSpecial);
  if (n < 0) {
    text.resize(size_t(-n));
    n = llama_detokenize(m->vocab, toks.data(), int32_t(toks.size()), text.data(), int32_t(text.size()),
                         removeSpecial, unparseSpecial);
  }
  text.resize(size_t(std::max<int32_t>(n, 0)));
  return Napi::String::New(env, text);
}

Napi::Value ModelWrap::TokenToPiece(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelPtr m = require(env);
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "tokenToPiece: token must be a number");
  const int32_t t = info[0].As<Napi::Number>().Int32Value();
  if (t < 0 || t >= m->nVocab) throw Napi::RangeError::New(env, "tokenToPiece: token id " + std::to_string(t) + " is outside the vocabulary");
  const bool special = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  return Napi::String::New(env, tokenPiece(m->vocab, t, special));
}

Napi::Value ModelWrap::CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ModelPtr m = require(env);
  Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  const int32_t maxSeq = int32_t(llama_max_parallel_sequences());
  const int32_t sequences = optInt(o, "sequences", 1, 1, maxSeq);
  const int32_t nCtxTrain = std::max(1, llama_model_n_ctx_train(m->model));
  const int32_t contextSize = optInt(o, "contextSize", std::min(nCtxTrain, 4096), 1, 1 << 24);
  if (int64_t(contextSize) * sequences > (int64_t(1) << 26)) {
    throw Napi::RangeError::New(env, "createContext: contextSize x sequences is too large");
  }
  const int32_t total = contextSize * sequences;
  const int32_t batchSize = optInt(o, "batchSize", std::max(2, std::min(total, 2048)), 2, 1 << 24);
  const int32_t ubatchSize = optInt(o, "ubatchSize", std::min(batchSize, 512), 2, 1 << 24);
  const int32_t hw = int32_t(std::max(1u, std::thread::hardware_concurrency()));
  const int32_t threads = optInt(o, "threads", hw, 1, 1024);
  Napi::Value unified = o.Get("unifiedKv");
  Napi::Value flash = o.Get("flashAttention");
  Napi::Value kvType = o.Get("kvCacheType");
  ggml_type kvGgmlType = GGML_TYPE_F16;
  if (!kvType.IsUndefined() && !kvType.IsNull()) {
    const std::string t = kvType.IsString() ? kvType.As<Napi::String>().Utf8Value() : "";
    if (t == "f32") {
      kvGgmlType = GGML_TYPE_F32;
    } else if (t != "f16") {
      throw Napi::TypeError::New(env, "createContext: kvCacheType must be 'f16' or 'f32'");
    }
  }

  llama_context_params p = llama_context_default_params();
  p.n_ctx = uint32_t(total);
  p.n_batch = uint32_t(std::min(batchSize, total));
  p.n_ubatch = uint32_t(std::min(ubatchSize, batchSize));
  p.n_seq_max = uint32_t(sequences);
  p.n_threads = threads;
  p.n_threads_batch = threads;
  p.kv_unified = unified.IsBoolean() ? unified.As<Napi::Boolean>().Value() : true;
  if (flash.IsBoolean()) {
    p.flash_attn_type = flash.As<Napi::Boolean>().Value() ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  }
  p.type_k = kvGgmlType;
  p.type_v = kvGgmlType;
  p.no_perf = true;

  clearLastLlamaError();
  llama_context* ctx = llama_init_from_model(m->model, p);
  if (!ctx) {
    const std::string detail = lastLlamaError();
    throw Napi::Error::New(env, "failed to create a llama.cpp context" + (detail.empty() ? std::string() : ": " + detail));
  }
  auto h = std::make_shared<ContextHandle>();
  h->model = m;
  h->ctx = ctx;
  h->ctxPerSeq = contextSize;
  h->nCtxTotal = int32_t(llama_n_ctx(ctx));
  h->nBatch = int32_t(llama_n_batch(ctx));
  h->nUbatch = int32_t(llama_n_ubatch(ctx));
  h->nSeq = sequences;
  h->nThreads = threads;
  h->unifiedKv = p.kv_unified;
  return ContextWrap::NewInstance(env, h);
}

Napi::Value ModelWrap::Dispose(const Napi::CallbackInfo& info) {
  handle_.reset();
  return info.Env().Undefined();
}

Napi::Value ModelWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !handle_);
}

}  // namespace densebench

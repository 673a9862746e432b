// A float64 reference forward pass of a small all-F32 llama GGUF model, in plain TypeScript.
// Shares no code with llama.cpp: it reads the GGUF file itself and computes RMSNorm, RoPE (NORM
// mode, as llama.cpp uses for the llama architecture), grouped-query causal attention and SwiGLU.
// Only for tiny test models (stories260K); it is O(n^2) and unoptimised.
import * as fs from 'fs';

type Meta = Record<string, unknown>;

interface Tensor {
  dims: number[];
  data: Float64Array;
}

class Reader {
  off = 0;
  constructor(private readonly b: Buffer) {}
  u8() { return this.b.readUInt8(this.off++); }
  u32() { const v = this.b.readUInt32LE(this.off); this.off += 4; return v; }
  i32() { const v = this.b.readInt32LE(this.off); this.off += 4; return v; }
  u64() { const v = Number(this.b.readBigUInt64LE(this.off)); this.off += 8; return v; }
  f32() { const v = this.b.readFloatLE(this.off); this.off += 4; return v; }
  f64() { const v = this.b.readDoubleLE(this.off); this.off += 8; return v; }
  str() { const n = this.u64(); const s = this.b.toString('utf8', this.off, this.off + n); this.off += n; return s; }
  value(type: number): unknown {
    switch (type) {
      case 0: return this.u8();
      case 1: { const v = this.b.readInt8(this.off); this.off += 1; return v; }
      case 2: { const v = this.b.readUInt16LE(this.off); this.off += 2; return v; }
      case 3: { const v = this.b.readInt16LE(this.off); this.off += 2; return v; }
      case 4: return this.u32();
      case 5: return this.i32();
      case 6: return this.f32();
      case 7: return this.u8() !== 0;
      case 8: return this.str();
      case 9: {
        const itemType = this.u32();
        const n = this.u64();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(itemType));
        return out;
      }
      case 10: return this.u64();
      case 11: { const v = Number(this.b.readBigInt64LE(this.off)); this.off += 8; return v; }
      case 12: return this.f64();
      default: throw new Error(`unknown GGUF value type ${type}`);
    }
  }
}

export function readGguf(file: string): { meta: Meta; tensors: Map<string, Tensor> } {
  const b = fs.readFileSync(file);
  const r = new Reader(b);
  if (b.toString('latin1', 0, 4) !== 'GGUF') throw new Error('not GGUF');
  r.off = 4;
  const version = r.u32();
  if (version < 2) throw new Error(`GGUF v${version} not supported`);
  const nTensors = r.u64();
  const nKv = r.u64();
  const meta: Meta = {};
  for (let i = 0; i < nKv; i++) {
    const key = r.str();
    meta[key] = r.value(r.u32());
  }
  const infos: { name: string; dims: number[]; type: number; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = r.str();
    const nDims = r.u32();
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.u64());
    infos.push({ name, dims, type: r.u32(), offset: r.u64() });
  }
  const align = Number(meta['general.alignment'] ?? 32);
  const base = Math.ceil(r.off / align) * align;
  const tensors = new Map<string, Tensor>();
  for (const t of infos) {
    if (t.type !== 0) throw new Error(`${t.name}: only F32 tensors are supported by the reference`);
    const n = t.dims.reduce((a, c) => a * c, 1);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = b.readFloatLE(base + t.offset + 4 * i);
    tensors.set(t.name, { dims: t.dims, data });
  }
  return { meta, tensors };
}

/** y = W x for a GGUF matrix W with dims [in, out] (row o is W[o*in .. o*in+in)). */
function matvec(w: Tensor, x: Float64Array): Float64Array {
  const [nIn, nOut] = w.dims;
  const y = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let s = 0;
    for (let i = 0; i < nIn; i++) s += w.data[o * nIn + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rmsNorm(x: Float64Array, w: Tensor, eps: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * scale * w.data[i]);
}

function rope(x: Float64Array, nHeads: number, headDim: number, pos: number, base: number): void {
  for (let h = 0; h < nHeads; h++) {
    for (let i = 0; i < headDim; i += 2) {
      const theta = pos * Math.pow(base, -i / headDim);
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const a = x[h * headDim + i];
      const b = x[h * headDim + i + 1];
      x[h * headDim + i] = a * c - b * s;
      x[h * headDim + i + 1] = a * s + b * c;
    }
  }
}

/** Logits (tokens.length x nVocab) of a llama-architecture model for one causal sequence. */
export function referenceLogits(model: { meta: Meta; tensors: Map<string, Tensor> }, tokens: ArrayLike<number>): Float64Array[] {
  const m = model.meta;
  const T = (name: string) => {
    const t = model.tensors.get(name);
    if (!t) throw new Error(`missing tensor ${name}`);
    return t;
  };
  const nEmbd = Number(m['llama.embedding_length']);
  const nLayer = Number(m['llama.block_count']);
  const nHead = Number(m['llama.attention.head_count']);
  const nHeadKv = Number(m['llama.attention.head_count_kv'] ?? nHead);
  const eps = Number(m['llama.attention.layer_norm_rms_epsilon']);
  const ropeBase = Number(m['llama.rope.freq_base'] ?? 10000);
  const headDim = nEmbd / nHead;
  const emb = T('token_embd.weight');
  const keys: Float64Array[][] = Array.from({ length: nLayer }, () => []);
  const values: Float64Array[][] = Array.from({ length: nLayer }, () => []);
  const out: Float64Array[] = [];
  for (let p = 0; p < tokens.length; p++) {
    let x: Float64Array = emb.data.slice(tokens[p] * nEmbd, (tokens[p] + 1) * nEmbd);
    for (let l = 0; l < nLayer; l++) {
      const pre = `blk.${l}.`;
      const h = rmsNorm(x, T(pre + 'attn_norm.weight'), eps);
      const q = matvec(T(pre + 'attn_q.weight'), h);
      const k = matvec(T(pre + 'attn_k.weight'), h);
      rope(q, nHead, headDim, p, ropeBase);
      rope(k, nHeadKv, headDim, p, ropeBase);
      keys[l].push(k);
      values[l].push(matvec(T(pre + 'attn_v.weight'), h));
      const att = new Float64Array(nEmbd);
      for (let hh = 0; hh < nHead; hh++) {
        const kvh = Math.floor(hh / (nHead / nHeadKv));
        const scores = keys[l].map((kk) => {
          let s = 0;
          for (let d = 0; d < headDim; d++) s += q[hh * headDim + d] * kk[kvh * headDim + d];
          return s / Math.sqrt(headDim);
        });
        const mx = Math.max(...scores);
        const w = scores.map((s) => Math.exp(s - mx));
        const z = w.reduce((a, c) => a + c, 0);
        for (let t = 0; t < w.length; t++) {
          for (let d = 0; d < headDim; d++) att[hh * headDim + d] += (w[t] / z) * values[l][t][kvh * headDim + d];
        }
      }
      const o = matvec(T(pre + 'attn_output.weight'), att);
      x = x.map((v, i) => v + o[i]);
      const f = rmsNorm(x, T(pre + 'ffn_norm.weight'), eps);
      const g = matvec(T(pre + 'ffn_gate.weight'), f);
      const u = matvec(T(pre + 'ffn_up.weight'), f);
      const act = g.map((v, i) => (v / (1 + Math.exp(-v))) * u[i]);
      const d = matvec(T(pre + 'ffn_down.weight'), act);
      x = x.map((v, i) => v + d[i]);
    }
    out.push(matvec(T('output.weight'), rmsNorm(x, T('output_norm.weight'), eps)));
  }
  return out;
}

/** float64 log-softmax of one logits row at a target token. */
export function logProb(row: Float64Array, target: number): number {
  let mx = -Infinity;
  for (const v of row) mx = Math.max(mx, v);
  let s = 0;
  for (const v of row) s += Math.exp(v - mx);
  return row[target] - mx - Math.log(s);
}

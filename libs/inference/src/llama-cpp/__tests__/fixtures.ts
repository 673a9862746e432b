// Test helpers for the native llama.cpp addon specs (pure functions; no environment access).
import { spawnSync } from 'child_process';
import type { ScoreGroup } from '../native-binding';

/** Independent float64 log-softmax of one logits row, in plain JS. */
export function jsLogSoftmaxRow(logits: Float32Array, row: number, nVocab: number): { lse: number; argmax: number } {
  const base = row * nVocab;
  let max = -Infinity;
  let argmax = 0;
  for (let v = 0; v < nVocab; v++) {
    if (logits[base + v] > max) {
      max = logits[base + v];
      argmax = v;
    }
  }
  let sum = 0;
  for (let v = 0; v < nVocab; v++) sum += Math.exp(logits[base + v] - max);
  return { lse: max + Math.log(sum), argmax };
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random groups cut from a token stream: prefix of 1..maxPrefix tokens, 1..maxConts continuations. */
export function randomGroups(tokens: Int32Array, count: number, seed: number, maxPrefix = 60, maxConts = 4, maxCont = 20): ScoreGroup[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const groups: ScoreGroup[] = [];
  for (let g = 0; g < count; g++) {
    const p = int(1, maxPrefix);
    const start = int(0, tokens.length - p - maxCont - 1);
    const continuations: Int32Array[] = [];
    for (let c = int(1, maxConts); c > 0; c--) {
      const len = int(1, maxCont);
      const from = int(0, tokens.length - len - 1);
      continuations.push(tokens.slice(from, from + len));
    }
    groups.push({ prefix: tokens.slice(start, start + p), continuations });
  }
  return groups;
}

/**
 * The groups `llama-perplexity -c nCtx` scores: chunk i = tokens[i*nCtx, (i+1)*nCtx) with its first
 * token replaced by BOS; only positions nCtx/2 .. nCtx-2 predict (the second half of the chunk).
 */
export function perplexityChunks(tokens: Int32Array, bos: number, nCtx: number, nChunk: number): ScoreGroup[] {
  const first = nCtx / 2;
  const groups: ScoreGroup[] = [];
  for (let i = 0; i < nChunk; i++) {
    const chunk = tokens.slice(i * nCtx, (i + 1) * nCtx);
    chunk[0] = bos;
    groups.push({ prefix: chunk.slice(0, first + 1), continuations: [chunk.slice(first + 1)] });
  }
  return groups;
}

/**
 * Runs llama.cpp's llama-perplexity and returns its final PPL and chunk count. Its asynchronous logger
 * can lose the tail of its output at exit (seen on a loaded machine: a run that exits 0 ends at chunk
 * 78 of 150), so such a run is repeated, up to `attempts` times.
 */
export function llamaPerplexity(exe: string, model: string, textFile: string, nCtx: number, chunks: number, threads: number, attempts = 5): { ppl: number; chunks: number } {
  const args = ['-m', model, '-f', textFile, '-c', String(nCtx), '--chunks', String(chunks), '-t', String(threads)];
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(exe, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`llama-perplexity exited with ${r.status}:\n${out.slice(-2000)}`);
    const n = /calculating perplexity over (\d+) chunks/.exec(out);
    const final = /Final estimate: PPL = ([\d.]+)/.exec(out);
    // when only the last line is lost, the running value after the last chunk is the same number
    const running = n ? new RegExp(`\\[${n[1]}\\]([\\d.]+)`).exec(out) : null;
    const ppl = final ? Number(final[1]) : running ? Number(running[1]) : NaN;
    if (n && Number.isFinite(ppl)) return { ppl, chunks: Number(n[1]) };
    if (attempt >= attempts) throw new Error(`cannot parse llama-perplexity output (${attempts} runs):\n${out.slice(-2000)}`);
  }
}

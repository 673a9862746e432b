/**
 * CPython's `random.Random`, bit for bit: the MT19937 generator seeded by `init_by_array` with the
 * 32-bit words of abs(seed) (Modules/_randommodule.c), `getrandbits`, `random()` (53-bit float),
 * `_randbelow_with_getrandbits`, `sample` (Lib/random.py, 3.11) and `choices` without weights.
 * lm-evaluation-harness draws few-shot examples with `Random(seed).sample(pool, n)` and bootstraps
 * stderrs with `Random(i).choices(xs, k=len(xs))`; reproducing both exactly makes prompts and
 * stderrs match byte for byte.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /** random.seed(int): init_by_array over the little-endian 32-bit words of abs(seed) ([0] for 0). */
  seed(seed: number | bigint): void {
    if (typeof seed === 'number' && !Number.isInteger(seed)) {
      throw new Error(`PyRandom: only integer seeds are supported, got ${seed}`);
    }
    let n = BigInt(seed);
    if (n < 0n) n = -n;
    const key: number[] = [];
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    if (key.length === 0) key.push(0);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** genrand_uint32 */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) for 0 <= k <= 32 (the only sizes _randbelow needs for array-sized n). */
  getrandbits(k: number): number {
    if (k < 0 || k > 32 || !Number.isInteger(k)) throw new Error(`PyRandom.getrandbits: k must be in 0..32, got ${k}`);
    if (k === 0) return 0;
    return this.nextUint32() >>> (32 - k);
  }

  /** random.random(): 53-bit precision float in [0, 1). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Random._randbelow_with_getrandbits(n), 0 < n < 2**32. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0xffffffff) throw new Error(`PyRandom.randbelow: n must be in 1..2**32-1, got ${n}`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** Indices that `random.sample(range(n), k)` returns (the same draws as sampling any length-n sequence). */
  sampleIndices(n: number, k: number): number[] {
    if (!(k >= 0 && k <= n)) throw new Error('Sample larger than population or is negative');
    const result = new Array<number>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1];
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  /** random.sample(population, k) */
  sample<T>(population: readonly T[], k: number): T[] {
    return this.sampleIndices(population.length, k).map((i) => population[i]);
  }

  /** random.choices(population, k=k) without weights: population[floor(random() * n)] k times. */
  choices<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    const out = new Array<T>(k);
    for (let i = 0; i < k; i++) out[i] = population[Math.floor(this.random() * n)];
    return out;
  }
}

function bitLength(n: number): number {
  return n === 0 ? 0 : 32 - Math.clz32(n);
}

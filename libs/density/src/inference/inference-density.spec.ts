import { DensityErrorCode } from '../density.exception';
import { seededNormal } from '../fitting/seeded-random';
import { UndefinedReason } from '../outcome';
import {
  LatencyObservation,
  fitCostCoefficients,
  inferenceCost,
  inferenceDensity,
  measuredInferenceDensity,
  profileCoefficients,
} from './inference-density';

// An RTX 4090-like card: ~1008 GB/s, ~165 TFLOP/s dense fp16, 64-token inputs.
const rtx4090 = { name: 'rtx-4090', memoryBandwidthBytesPerSecond: 1.008e12, flopsPerSecond: 1.65e14, inputLength: 64 };

describe('inference-time density (NMI version Eqs. 5–7)', () => {
  const k = profileCoefficients(rtx4090);

  it('derives k1, k2 from a hardware profile', () => {
    expect(k.k1).toBeCloseTo(2 / 1.008e12, 25); // 1.984e−12 s per 16-bit weight read
    expect(k.k2).toBeCloseTo(128 / 1.65e14, 25); // 7.758e−13 s per active parameter over 64 tokens
    expect(k.k1 / k.k2).toBeCloseTo(2.5577, 3); // same order as the journal's k1 ≈ 2.45·k2
  });

  it('equals the plain density for a dense 16-bit model, whatever k1 and k2', () => {
    for (const coeffs of [k, { k1: 1, k2: 0 }, { k1: 0, k2: 1 }, { k1: 3, k2: 7 }]) {
      const d = inferenceDensity(2e9, { params: 1e9 }, coeffs);
      if (!d.defined) throw new Error(d.message);
      expect(d.density).toBeCloseTo(2, 12);
    }
  });

  it('credits an MoE model for its fewer active parameters', () => {
    // Mixtral-like: N = 46.7B stored, 12.9B active, N̂ = 20B.
    // cost = k1·46.7e9 + k2·12.9e9;  ref = (k1 + k2)·20e9
    const model = { params: 46.7e9, activeParams: 12.9e9 };
    const d = inferenceDensity(20e9, model, { k1: 2, k2: 1 });
    if (!d.defined) throw new Error(d.message);
    expect(d.cost).toBeCloseTo(2 * 46.7e9 + 12.9e9, 0); // 106.3e9
    expect(d.referenceCost).toBeCloseTo(3 * 20e9, 0); // 60e9
    expect(d.density).toBeCloseTo(60 / 106.3, 12); // 0.5644, vs. plain ρ = 20/46.7 = 0.4283
    expect(d.density).toBeGreaterThan(20 / 46.7);
  });

  it('credits a 4-bit model for its smaller memory traffic only', () => {
    // cost = k1·N·4/16 + k2·N = 2·8e9/4 + 1·8e9 = 12e9;  ref = 3·8e9 = 24e9;  ρ_inf = 2
    const d = inferenceDensity(8e9, { params: 8e9, weightBits: 4 }, { k1: 2, k2: 1 });
    if (!d.defined) throw new Error(d.message);
    expect(d.density).toBeCloseTo(2, 12);
    expect(inferenceCost({ params: 8e9, weightBits: 4 }, { k1: 2, k2: 1 })).toBeCloseTo(12e9, 0);
  });

  it('fits k1, k2 from measured latencies of dense, MoE and quantized models', () => {
    const noise = seededNormal(11);
    const truth = { k1: 2e-12, k2: 8e-13 };
    const models = [
      { params: 1e9 }, { params: 7e9 }, { params: 13e9 }, { params: 46.7e9, activeParams: 12.9e9 },
      { params: 30e9, activeParams: 3e9 }, { params: 7e9, weightBits: 4 }, { params: 70e9, weightBits: 4 },
    ];
    const observations: LatencyObservation[] = models.map((m) => ({ ...m, secondsPerToken: inferenceCost(m, truth) * (1 + 0.01 * noise()) }));
    const fit = fitCostCoefficients(observations);
    expect(fit.source).toBe('measured-latency');
    expect(Math.abs(fit.k1 / truth.k1 - 1)).toBeLessThan(0.03);
    expect(Math.abs(fit.k2 / truth.k2 - 1)).toBeLessThan(0.08);
    expect(fit.quality.rSquared).toBeGreaterThan(0.99);
    expect(fit.standardErrors!.k1).toBeGreaterThan(0);
  });

  it('refuses latencies that cannot separate k1 from k2, and too few of them', () => {
    const dense = [1e9, 7e9, 13e9].map((params) => ({ params, secondsPerToken: params * 3e-12 }));
    expect(() => fitCostCoefficients(dense)).toThrow(expect.objectContaining({ code: DensityErrorCode.DegenerateData, message: expect.stringContaining('MoE or quantized') }));
    expect(() => fitCostCoefficients(dense.slice(0, 2))).toThrow(expect.objectContaining({ code: DensityErrorCode.InsufficientData }));
  });

  it('uses a measured time per token against the reference prediction', () => {
    // reference: (2e−12 + 8e−13)·10e9 = 0.028 s/token; measured 0.014 s/token → ρ_inf = 2
    const d = measuredInferenceDensity(10e9, 0.014, { k1: 2e-12, k2: 8e-13 });
    if (!d.defined) throw new Error(d.message);
    expect(d.referenceCost).toBeCloseTo(0.028, 12);
    expect(d.density).toBeCloseTo(2, 10);
    expect(measuredInferenceDensity(10e9, 0, k)).toMatchObject({ defined: false, reason: UndefinedReason.ZeroDenominator });
  });
});

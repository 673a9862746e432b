import { DensityErrorCode, DensityException } from '../density.exception';
import { requireEnoughPoints, requireFinite } from '../fitting/data-checks';
import { FitQuality } from '../fitting/fit-statistics';
import { linearLeastSquares } from '../fitting/linear-least-squares';
import { Outcome, UndefinedReason, definedOutcome, undefinedOutcome } from '../outcome';

/*
 * Inference-time density for MoE and quantized models: Xiao et al., "Densing law of LLMs", Nature Machine
 * Intelligence 7 (2025), Eqs. 5–7 (the journal version; the arXiv v2 preprint has no such section).
 * The journal text could not be consulted while writing this; what is implemented is the model the issue
 * states, made explicit here:
 *   Eq. 5  cost(M) = k1·N_M·(bits_M/16) + k2·N_active,M      — k1: memory traffic per stored parameter
 *          (every weight is read once per forward pass), k2: compute per activated parameter.
 *   Eq. 6  cost_ref(N̂) = (k1 + k2)·N̂                        — the reference is dense and 16-bit.
 *   Eq. 7  ρ_inf(M) = cost_ref(N̂(S_M)) / cost(M) = (k1 + k2)·N̂ / (k1·N + k2·N_active)
 * Assumptions: (1) quantization scales only the memory term, by stored bits / 16 (dequantised weights are
 * multiplied at 16-bit speed); (2) the two terms add (no overlap of memory and compute); (3) for a dense
 * 16-bit model ρ_inf = ρ exactly, whatever k1 and k2 are. The journal reports k1 ≈ 2.45·k2 for an RTX 4090;
 * profileCoefficients gives that order of ratio for inputs of a few dozen to a hundred tokens.
 */

export const REFERENCE_WEIGHT_BITS = 16;

/** Cost per parameter, in seconds. Plain data; store with the density it produced. */
export interface CostCoefficients {
  /** Seconds per stored (16-bit) parameter per forward pass: the memory term. */
  k1: number;
  /** Seconds per activated parameter per forward pass: the compute term. */
  k2: number;
  source: 'hardware-profile' | 'measured-latency';
}

export interface HardwareProfile {
  name?: string;
  memoryBandwidthBytesPerSecond: number;
  /** Dense FLOP/s at the inference precision. */
  flopsPerSecond: number;
  /** Tokens processed per forward pass (the prompt length for prefill; 1 for one decoding step). */
  inputLength: number;
}

/** k1 = 2 bytes / bandwidth (one 16-bit weight read); k2 = 2·inputLength FLOPs / (FLOP/s) (one multiply-add per token). */
export function profileCoefficients(profile: HardwareProfile): CostCoefficients {
  requireFinite([profile.memoryBandwidthBytesPerSecond, profile.flopsPerSecond, profile.inputLength], 'hardware profile', { positive: true });
  return {
    k1: REFERENCE_WEIGHT_BITS / 8 / profile.memoryBandwidthBytesPerSecond,
    k2: (2 * profile.inputLength) / profile.flopsPerSecond,
    source: 'hardware-profile',
  };
}

export interface DeployedModel {
  params: number;
  /** Parameters used per token (MoE); default: all of them. */
  activeParams?: number;
  /** Stored bits per weight (quantization); default 16. */
  weightBits?: number;
}

/** Eq. 5: k1·N·(bits/16) + k2·N_active. */
export function inferenceCost(model: DeployedModel, k: Pick<CostCoefficients, 'k1' | 'k2'>): number {
  const bits = model.weightBits ?? REFERENCE_WEIGHT_BITS;
  return k.k1 * model.params * (bits / REFERENCE_WEIGHT_BITS) + k.k2 * (model.activeParams ?? model.params);
}

export interface InferenceDensity {
  /** ρ_inf = cost_ref(N̂) / cost(M) (Eq. 7). */
  density: number;
  cost: number;
  referenceCost: number;
}

/** Eqs. 6–7: the cost of a dense 16-bit reference of N̂ parameters over the model's own cost. */
export function inferenceDensity(
  effectiveParams: number,
  model: DeployedModel,
  k: Pick<CostCoefficients, 'k1' | 'k2'>,
): Outcome<InferenceDensity> {
  if (!(model.params > 0)) return undefinedOutcome(UndefinedReason.MissingParameterCount, `parameter count ${model.params} is not positive`);
  const cost = inferenceCost(model, k);
  if (!(cost > 0)) return undefinedOutcome(UndefinedReason.ZeroDenominator, `inference cost ${cost} is not positive`);
  const referenceCost = (k.k1 + k.k2) * effectiveParams;
  return definedOutcome({ density: referenceCost / cost, cost, referenceCost });
}

/** One measured deployment: the model's sizes and its observed seconds per token. */
export interface LatencyObservation extends DeployedModel {
  secondsPerToken: number;
}

export interface MeasuredCoefficients extends CostCoefficients {
  standardErrors: { k1: number; k2: number } | null;
  quality: FitQuality;
}

/**
 * Beyond the paper: k1 and k2 from measured latencies, by least squares on t = k1·N·(bits/16) + k2·N_active
 * (no intercept). Needs ≥ 3 observations whose memory and compute terms vary independently (a mix of dense,
 * MoE or quantized models); dense 16-bit models alone only determine k1 + k2.
 */
export function fitCostCoefficients(observations: readonly LatencyObservation[]): MeasuredCoefficients {
  requireEnoughPoints(observations.length, 2, 'latency fit');
  requireFinite(observations.map((o) => o.secondsPerToken), 'latency fit.secondsPerToken', { positive: true });
  requireFinite(observations.map((o) => o.params), 'latency fit.params', { positive: true });
  const design = observations.map((o) => [o.params * ((o.weightBits ?? REFERENCE_WEIGHT_BITS) / REFERENCE_WEIGHT_BITS), o.activeParams ?? o.params]);
  let fit;
  try {
    fit = linearLeastSquares(design, observations.map((o) => o.secondsPerToken), 'latency fit');
  } catch (error) {
    if (error instanceof DensityException && error.code === DensityErrorCode.DegenerateData) {
      throw new DensityException(
        DensityErrorCode.DegenerateData,
        'latency fit: memory and compute terms are proportional in every observation (e.g. only dense 16-bit models); add MoE or quantized models to separate k1 from k2',
      );
    }
    throw error;
  }
  const [k1, k2] = fit.coefficients;
  if (!(k1 > 0) || !(k2 > 0)) {
    throw new DensityException(DensityErrorCode.DegenerateData, `latency fit: non-physical coefficients k1 = ${k1}, k2 = ${k2} (each must be > 0)`);
  }
  const se = fit.standardErrors;
  return { k1, k2, source: 'measured-latency', standardErrors: se ? { k1: se[0], k2: se[1] } : null, quality: fit.quality };
}

/**
 * Beyond the paper: inference density from the model's MEASURED seconds per token, against the predicted time
 * of a dense 16-bit reference of N̂ parameters on the same hardware, (k1 + k2)·N̂.
 */
export function measuredInferenceDensity(
  effectiveParams: number,
  measuredSecondsPerToken: number,
  k: Pick<CostCoefficients, 'k1' | 'k2'>,
): Outcome<InferenceDensity> {
  if (!(measuredSecondsPerToken > 0)) {
    return undefinedOutcome(UndefinedReason.ZeroDenominator, `measured latency ${measuredSecondsPerToken} s/token is not positive`);
  }
  const referenceCost = (k.k1 + k.k2) * effectiveParams;
  return definedOutcome({ density: referenceCost / measuredSecondsPerToken, cost: measuredSecondsPerToken, referenceCost });
}

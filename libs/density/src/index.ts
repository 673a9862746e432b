// @app/density — the pure, framework-free core of densebench's density metrics (Xiao et al., "Densing Law of
// LLMs", arXiv 2412.04315; Nature Machine Intelligence 7, 1823–1833, 2025). Plain data in, plain data out;
// fitted objects are versioned JSON (schemaVersion) that can be stored and read back with assertFit/assertCalibration.

export { DensityErrorCode, DensityException } from './density.exception';
export { UndefinedReason, definedOutcome, undefinedOutcome } from './outcome';
export type { Defined, Outcome, Undefined } from './outcome';
export { DENSITY_SCHEMA_VERSION, assertFit } from './fit-schema';
export type { StoredFit } from './fit-schema';
export type { FitQuality } from './fitting/fit-statistics';

// Step 1 and Step 2 curves (Eqs. 2, 3) and the simpler score-only curve
export { LOSS_EQUATION, fitLossCurve, predictLoss } from './curves/loss-curve';
export type { LossCurveParams, LossFit, LossFitOptions, LossPoint } from './curves/loss-curve';
export { PERFORMANCE_EQUATION, fitPerformanceCurve, lossForScore, predictScore } from './curves/performance-curve';
export type { PerformanceFit, PerformancePoint } from './curves/performance-curve';
export type { SigmoidParams } from './curves/sigmoid';
export { SCORE_ONLY_METHOD, fitScoreOnlyCurve, predictScoreFromParams, scoreOnlyDensity } from './curves/score-only-curve';
export type { ScoreOnlyFit, ScoreOnlyParams, ScoreOnlyPoint } from './curves/score-only-curve';
export {
  COMPOSED_EQUATION, COMPOSED_FIT_REVISION, COMPOSED_METHOD, composedAsTwoStep, fitComposedScoreCurve, latentLoss, predictComposedScore,
} from './curves/composed-score-curve';
export type { ComposedFitOptions, ComposedParams, ComposedPoint, ComposedScoreFit } from './curves/composed-score-curve';

// Effective size and density (Eqs. 1, 4), reference calibration with the AVERAGE panel
export { DEFAULT_D0_TOKENS, effectiveParamsForLoss, estimateDensity } from './capability/effective-size';
export type { EffectiveSize, TwoStepCurves } from './capability/effective-size';
export { AVERAGE, assertCalibration, calibrateReference, readCalibration } from './capability/reference-calibration';
export type {
  BenchmarkCurves,
  CalibrationMethod,
  LossFamilyModel,
  PerformanceFamilyModel,
  ReferenceCalibration,
  ReferenceFamilyInput,
} from './capability/reference-calibration';
export { estimateModelDensity } from './capability/model-density';
export { calibrateFromScores } from './capability/score-calibration';
export { calibrationQuality, calibrationWarnings } from './capability/calibration-summary';
export { assertTwoStepFitFeasible, twoStepFitProblems } from './capability/fit-feasibility';
export type { FamilyMemberPlan, FeasibilityProblem } from './capability/fit-feasibility';
export type { GridObservation, ScoreGridInput } from './capability/score-calibration';
export { VALIDATION_LIMITS, VALIDATION_RULE, validateBySize } from './capability/size-validation';
export type { HeldOutSize, MemberPoint, SizeValidation } from './capability/size-validation';
export { benchmarkKey, parseBenchmarkKey } from './benchmark-key';

// The built-in reference family: Pythia, from EleutherAI's published evaluations
export { PYTHIA_REFERENCE, observedKeys, parsePythiaTable, pythiaObservations } from './builtin/pythia-table';
export type { PythiaTableRow } from './builtin/pythia-table';
export type { BenchmarkDensity, ModelDensityReport, TargetModel } from './capability/model-density';

// Inference-time density (journal Eqs. 5–7) and measured latencies
export {
  REFERENCE_WEIGHT_BITS,
  fitCostCoefficients,
  inferenceCost,
  inferenceDensity,
  measuredInferenceDensity,
  profileCoefficients,
} from './inference/inference-density';
export type {
  CostCoefficients,
  DeployedModel,
  HardwareProfile,
  InferenceDensity,
  LatencyObservation,
  MeasuredCoefficients,
} from './inference/inference-density';

// Densing Law trend
export { DAYS_PER_MONTH, TREND_EQUATION, fitDensityTrend, selectFrontier, trendDensityAt } from './trend/density-trend';
export type { DensityPoint, DensityTrend, FrontierPoint, FrontierRule, TrendConfidence, TrendOptions } from './trend/density-trend';

// Token, cost and compute density
export { computeDensity, costDensity, runCostUsd, tokenValue } from './efficiency/efficiency-metrics';
export type { ComputeDensity, CostDensity, Pricing, RunUsage, TokenValue } from './efficiency/efficiency-metrics';

// Importers
export { lmEvalScores, parseLmEvalResults, primaryMetric } from './importers/lm-eval-results';
export type { LmEvalImport, LmEvalMetric, LmEvalTaskResult } from './importers/lm-eval-results';
export { parsePublishedScoresCsv } from './importers/published-scores-csv';
export type { PublishedScoreRecord } from './importers/published-scores-csv';

// Reports and plots
export { buildLeaderboard, leaderboardToCsv, leaderboardToJson } from './report/leaderboard';
export type { LeaderboardCell, LeaderboardModel, LeaderboardRow } from './report/leaderboard';
export { densityTrendSpec, referenceScoreCurve, scoreVsParamsSpec } from './report/chart-specs';
export type { ChartSize, DensityPlotPoint, ScorePoint } from './report/chart-specs';
export { renderChart, renderSvg, svgToPng } from './report/chart-render';
export type { PngOptions } from './report/chart-render';
export { CONDITIONAL_LOSS_METRIC, PRIMARY_METRIC_NAMES, PRIMARY_METRIC_PREFERENCE, primaryMetricKey } from './primary-metric';

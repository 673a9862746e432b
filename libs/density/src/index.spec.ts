import * as density from '@app/density';

describe('@app/density public surface', () => {
  it('exports the entry points through the path alias', () => {
    for (const name of [
      'calibrateReference', 'estimateModelDensity', 'estimateDensity', 'fitLossCurve', 'fitPerformanceCurve', 'fitScoreOnlyCurve',
      'fitDensityTrend', 'inferenceDensity', 'fitCostCoefficients', 'tokenValue', 'costDensity', 'computeDensity',
      'parseLmEvalResults', 'parsePublishedScoresCsv', 'buildLeaderboard', 'leaderboardToCsv', 'scoreVsParamsSpec', 'densityTrendSpec', 'renderChart',
    ]) {
      expect(typeof (density as Record<string, unknown>)[name]).toBe('function');
    }
    expect(density.DEFAULT_D0_TOKENS).toBe(5e12);
    expect(density.DAYS_PER_MONTH).toBe(30.4375);
  });
});

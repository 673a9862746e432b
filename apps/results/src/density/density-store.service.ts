import { Injectable } from '@nestjs/common';
import { DensitiesRepository } from '@app/database';
import { DensityRow } from './density-rows';
import { EfficiencyFigures } from './run-efficiency';

/** Writes densities and run efficiency figures (idempotent upserts on their natural keys; see DensitiesRepository). */
@Injectable()
export class DensityStoreService {
  constructor(private readonly densities: DensitiesRepository) {}

  upsertDensities(rows: readonly DensityRow[]): Promise<void> {
    return this.densities.upsert(rows);
  }

  upsertEfficiency(runId: string, figures: readonly EfficiencyFigures[]): Promise<void> {
    return this.densities.upsertEfficiency(
      runId,
      figures.map((f) => ({
        benchmark: f.benchmark,
        metric: f.metric,
        score: f.score,
        items: f.items,
        inputTokens: f.inputTokens,
        outputTokens: f.outputTokens,
        busyMs: f.busyMs,
        costUsd: f.costUsd,
        pricing: f.pricing,
        tokenValue: f.tokenValue,
        costDensity: f.costDensity,
        computeDensity: f.computeDensity,
        scorePer1kOutputTokens: f.scorePer1kOutputTokens,
        scorePerDollar: f.scorePerDollar,
        scorePerTflop: f.scorePerTflop,
      })),
    );
  }
}

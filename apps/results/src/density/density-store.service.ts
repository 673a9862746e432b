import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DensityEntity, RunEfficiencyEntity } from '@app/database';
import { DensityRow } from './density-rows';
import { EfficiencyFigures } from './run-efficiency';

const CHUNK = 500;
const SUBJECT_KEY = ['fitVersionId', 'subjectKind', 'subjectId', 'benchmark'];

/**
 * Writes densities and run efficiency figures. Upserts on the natural keys, so job retries and a run-end
 * computation racing a recompute are harmless; writers of one fit version are serialised by an advisory lock.
 */
@Injectable()
export class DensityStoreService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async upsertDensities(rows: readonly DensityRow[]): Promise<void> {
    if (rows.length === 0) return;
    const versions = [...new Set(rows.map((r) => r.fitVersionId))].sort();
    const computedAt = new Date();
    await this.db.transaction(async (tx) => {
      for (const v of versions) await tx.query(`SELECT pg_advisory_xact_lock(hashtext('densities:' || $1))`, [v]);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK).map((r) => ({ ...r, computedAt }));
        await tx.getRepository(DensityEntity).upsert(chunk, { conflictPaths: SUBJECT_KEY, skipUpdateIfNoValuesChanged: false });
      }
    });
  }

  async upsertEfficiency(runId: string, figures: readonly EfficiencyFigures[]): Promise<void> {
    if (figures.length === 0) return;
    const computedAt = new Date();
    const rows = figures.map((f) => ({
      runId,
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
      computedAt,
    })) as QueryDeepPartialEntity<RunEfficiencyEntity>[]; // jsonb columns: TypeORM's deep-partial typing does not fit Record<string, unknown>
    await this.db.getRepository(RunEfficiencyEntity).upsert(rows, { conflictPaths: ['runId', 'benchmark'], skipUpdateIfNoValuesChanged: false });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DensityFigureDto, RunDensityDto, RunEfficiencyDto, RunReferenceDensityDto } from './dto/run-density.dto';

type FigureRow = DensityFigureDto & { fitVersionId: string; referenceId: string; reference: string; version: number; d0Tokens: number; method: string | null };

/** The `density` field of GET /v1/runs/:id: what the results service stored when the run finalized (or since). */
@Injectable()
export class RunDensityViewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Null when the run has no density figures (not finished, not succeeded, or finalized before this feature). */
  async forRun(runId: string): Promise<RunDensityDto | null> {
    const [figures, efficiency, reports] = await Promise.all([
      this.db.query(
        `WITH latest AS (
           SELECT DISTINCT ON (d.reference_id) d.fit_version_id FROM densities d JOIN density_fit_versions v ON v.id = d.fit_version_id
            WHERE d.subject_kind = 'run' AND d.subject_id = $1 ORDER BY d.reference_id, v.version DESC)
         SELECT d.fit_version_id AS "fitVersionId", d.reference_id AS "referenceId", r.name AS reference, v.version, v.d0_tokens AS "d0Tokens",
                v.library ->> 'method' AS method, d.benchmark, d.metric, d.score, d.params, d.loss_hat AS "lossHat",
                d.effective_params AS "effectiveParams", d.density, d.undefined_reason AS "undefinedReason", d.message, d.extrapolated,
                CASE WHEN v.quality -> d.benchmark -> 'validation' IS NULL THEN NULL ELSE jsonb_build_object(
                  'validated', v.quality -> d.benchmark -> 'validation' -> 'validated',
                  'typicalFactor', v.quality -> d.benchmark -> 'validation' -> 'typicalFactor',
                  'worstFactor', v.quality -> d.benchmark -> 'validation' -> 'worstFactor') END AS validation
           FROM densities d JOIN latest USING (fit_version_id) JOIN density_fit_versions v ON v.id = d.fit_version_id
           JOIN density_references r ON r.id = d.reference_id
          WHERE d.subject_kind = 'run' AND d.subject_id = $1 ORDER BY r.name, d.benchmark`,
        [runId],
      ) as Promise<FigureRow[]>,
      this.db.query(
        `SELECT benchmark, metric, score, items, input_tokens AS "inputTokens", output_tokens AS "outputTokens", busy_ms AS "busyMs",
                cost_usd AS "costUsd", pricing, token_value AS "tokenValue", cost_density AS "costDensity", compute_density AS "computeDensity"
           FROM run_efficiency WHERE run_id = $1 ORDER BY (benchmark = 'ALL'), benchmark`,
        [runId],
      ) as Promise<RunEfficiencyDto[]>,
      this.db.query(`SELECT id, key FROM artifacts WHERE run_id = $1 AND kind = 'report' ORDER BY key`, [runId]) as Promise<Array<{ id: string; key: string }>>,
    ]);
    if (figures.length === 0 && efficiency.length === 0) return null;
    const byVersion = new Map<string, RunReferenceDensityDto>();
    for (const { fitVersionId, referenceId, reference, version, d0Tokens, method, ...figure } of figures) {
      const entry = byVersion.get(fitVersionId) ?? { referenceId, reference, fitVersionId, version, d0Tokens, method, headline: null as never, benchmarks: [] };
      if (figure.benchmark === 'AVERAGE') entry.headline = figure;
      else entry.benchmarks.push(figure);
      byVersion.set(fitVersionId, entry);
    }
    return {
      references: [...byVersion.values()],
      efficiency,
      reports: reports.map((a) => ({ artifactId: a.id, name: a.key.split('/').pop()!, downloadUrl: `/v1/artifacts/${a.id}/download` })),
    };
  }
}

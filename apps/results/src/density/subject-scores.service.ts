import { Injectable } from '@nestjs/common';
import { DensitiesRepository } from '@app/database';
import { DensitySubject } from './density-rows';

/**
 * The scores densities are computed from, read in the fit version's metric per benchmark:
 * - a model's best-known score per benchmark: its latest succeeded run that reports the metric, else its
 *   latest imported score in that metric, else its latest imported score published without a metric;
 * - a run's own scores.
 */
@Injectable()
export class SubjectScoresService {
  constructor(private readonly densities: DensitiesRepository) {}

  /** Every model with a score on one of the benchmarks (or only `modelIds`), measured scores first. */
  async models(metrics: Record<string, string>, modelIds?: string[]): Promise<DensitySubject[]> {
    const { measured, imported } = await this.densities.modelScores(metrics, modelIds);
    const byModel = new Map<string, DensitySubject['scores']>();
    for (const row of [...imported, ...measured]) {
      if (row.score === null || !Number.isFinite(row.score)) continue;
      const scores = byModel.get(row.modelId) ?? {};
      scores[row.benchmark] = { score: row.score, source: row.source, stderr: row.stderr }; // measured rows come last and win
      byModel.set(row.modelId, scores);
    }
    const ids = [...byModel.keys()];
    if (ids.length === 0) return [];
    const sizes = await this.densities.modelSizes(ids);
    return sizes.map((m) => ({ kind: 'model', subjectId: m.id, modelId: m.id, runId: null, params: m.params, scores: byModel.get(m.id)! }));
  }

  /** Every succeeded run, with its scores on the benchmarks (a run without any still gets rows: missing scores). */
  async runs(metrics: Record<string, string>): Promise<DensitySubject[]> {
    const rows = await this.densities.runScores(metrics);
    const subjects = new Map<string, DensitySubject>();
    for (const r of rows) {
      const s = subjects.get(r.runId) ?? { kind: 'run', subjectId: r.runId, modelId: r.modelId, runId: r.runId, params: r.params, scores: {} };
      if (r.benchmark && r.score !== null && Number.isFinite(r.score)) s.scores[r.benchmark] = { score: r.score, source: `run:${r.runId}`, stderr: r.stderr };
      subjects.set(r.runId, s);
    }
    return [...subjects.values()];
  }
}

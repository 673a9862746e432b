import { Injectable } from '@nestjs/common';
import { ArtifactKind } from '@app/contracts';
import { AVERAGE } from '@app/density';
import { ArtifactsRepository, DensitiesRepository } from '@app/database';
import { RunDensityDto, RunEfficiencyDto, RunReferenceDensityDto } from './dto/run-density.dto';

/** The `density` field of GET /v1/runs/:id: what the results service stored when the run finalized (or since). */
@Injectable()
export class RunDensityViewService {
  constructor(
    private readonly densities: DensitiesRepository,
    private readonly artifacts: ArtifactsRepository,
  ) {}

  /** Null when the run has no density figures (not finished, not succeeded, or finalized before this feature). */
  async forRun(runId: string): Promise<RunDensityDto | null> {
    const [figures, efficiency, reports] = await Promise.all([
      this.densities.runFigures(runId),
      this.densities.runEfficiency(runId) as Promise<RunEfficiencyDto[]>,
      this.artifacts.ofRun(runId).then((all) => all.filter((a) => a.kind === ArtifactKind.Report)),
    ]);
    if (figures.length === 0 && efficiency.length === 0) return null;
    const byVersion = new Map<string, RunReferenceDensityDto>();
    for (const { fitVersionId, referenceId, reference, version, d0Tokens, method, ...figure } of figures) {
      const entry = byVersion.get(fitVersionId) ?? { referenceId, reference, fitVersionId, version, d0Tokens, method, headline: null as never, benchmarks: [] };
      if (figure.benchmark === AVERAGE) entry.headline = figure;
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

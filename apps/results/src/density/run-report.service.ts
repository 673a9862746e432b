import { Injectable } from '@nestjs/common';
import { ArtifactsRepository } from '@app/database';
import { ArtifactKind } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { RunDensitySection, runReportCsv, runReportJson } from './run-density-section';

/** Writes a run's density report (JSON + CSV) to runs/<run>/report/ and records both as `report` artifacts. */
@Injectable()
export class RunReportService {
  constructor(
    private readonly artifacts: ArtifactsRepository,
    private readonly store: ArtifactStore,
  ) {}

  async write(run: { id: string; model: { id: string; name: string } }, section: RunDensitySection): Promise<{ json: string; csv: string }> {
    const files = [
      { key: artifactKeys.report(run.id, 'density.json'), body: runReportJson(run, section), contentType: 'application/json' },
      { key: artifactKeys.report(run.id, 'density.csv'), body: runReportCsv(section), contentType: 'text/csv' },
    ];
    for (const f of files) {
      const stored = await this.store.putBuffer(f.key, f.body, f.contentType);
      await this.artifacts.upsert({ runId: run.id, kind: ArtifactKind.Report, key: f.key, contentType: f.contentType, sizeBytes: stored.sizeBytes });
    }
    return { json: files[0].key, csv: files[1].key };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ArtifactKind } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { RunDensitySection, runReportCsv, runReportJson } from './run-density-section';

/** Writes a run's density report (JSON + CSV) to runs/<run>/report/ and records both as `report` artifacts. */
@Injectable()
export class RunReportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: ArtifactStore,
  ) {}

  async write(run: { id: string; model: { id: string; name: string } }, section: RunDensitySection): Promise<{ json: string; csv: string }> {
    const files = [
      { key: artifactKeys.report(run.id, 'density.json'), body: runReportJson(run, section), contentType: 'application/json' },
      { key: artifactKeys.report(run.id, 'density.csv'), body: runReportCsv(section), contentType: 'text/csv' },
    ];
    for (const f of files) {
      const stored = await this.store.putBuffer(f.key, f.body, f.contentType);
      await this.db.query(
        `INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET size_bytes = EXCLUDED.size_bytes, content_type = EXCLUDED.content_type`,
        [run.id, ArtifactKind.Report, f.key, f.contentType, stored.sizeBytes],
      );
    }
    return { json: files[0].key, csv: files[1].key };
  }
}

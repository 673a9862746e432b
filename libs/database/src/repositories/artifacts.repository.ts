import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactEntity } from '../entities/artifact.entity';
import { Queryable, SqlStatements } from './sql';

// A shard's sample artifacts are recorded with its ingestion, in the shards repository's record_ingested.
export const ARTIFACTS_SQL = {
  // A run artifact written again (results.json of a re-finalized run, a report) replaces the object under its key.
  upsert_run_artifact: `
    INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (key) DO UPDATE SET size_bytes = EXCLUDED.size_bytes, content_type = EXCLUDED.content_type`,
} satisfies SqlStatements;

/** The artifacts aggregate: the S3 objects a run produced (results.json, per-shard samples), by key. */
@Injectable()
export class ArtifactsRepository {
  constructor(private readonly db: DataSource) {}

  ofRun(runId: string): Promise<ArtifactEntity[]> {
    return this.db.getRepository(ArtifactEntity).find({ where: { runId }, order: { kind: 'ASC', benchmark: 'ASC', key: 'ASC' } });
  }

  get(id: string): Promise<ArtifactEntity | null> {
    return this.db.getRepository(ArtifactEntity).findOneBy({ id });
  }

  /** Records an artifact of a run as a whole (no benchmark or shard); a second one under its key updates size and type. */
  async upsert(a: Pick<ArtifactEntity, 'runId' | 'kind' | 'key' | 'contentType' | 'sizeBytes'>, tx?: Queryable): Promise<void> {
    await (tx ?? this.db).query(ARTIFACTS_SQL.upsert_run_artifact, [a.runId, a.kind, a.key, a.contentType, a.sizeBytes]);
  }
}

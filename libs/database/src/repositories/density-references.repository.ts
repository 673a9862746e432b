import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runBenchmarkKeySql } from '../benchmark-key-sql';
import { DensityFitVersionEntity } from '../entities/density-fit-version.entity';
import { DensityReferenceMemberEntity } from '../entities/density-reference-member.entity';
import { DensityReferenceEntity } from '../entities/density-reference.entity';
import { ModelEntity } from '../entities/model.entity';
import type { Queryable, SqlStatements } from './sql';

/** A member's runs are matched to the family's benchmarks on benchmarkKey (mmlu@5-shot), as run-end densities are. */
const KEY = runBenchmarkKeySql('rb');

export const DENSITY_REFERENCES_SQL = {
  latest_fitted_in_scope: `
    SELECT v.reference_id AS id FROM density_fit_versions v JOIN density_references r ON r.id = v.reference_id
     WHERE ($1::uuid IS NULL OR r.project_id = $1 OR r.project_id IS NULL) ORDER BY v.created_at DESC LIMIT 1`,
  latest_version_ids: `SELECT DISTINCT ON (reference_id) id FROM density_fit_versions ORDER BY reference_id, version DESC`,
  latest_version_numbers: `
    SELECT DISTINCT ON (reference_id) reference_id AS id, version, library ->> 'method' AS method
      FROM density_fit_versions WHERE reference_id = ANY($1) ORDER BY reference_id, version DESC`,
  lock_reference: `SELECT id FROM density_references WHERE id = $1 FOR UPDATE`,
  next_version: `SELECT coalesce(max(version), 0)::int + 1 AS next FROM density_fit_versions WHERE reference_id = $1`,
  at_run_end_versions: `
    SELECT DISTINCT ON (v.reference_id) v.id, v.reference_id AS "referenceId", r.name AS reference, v.version,
           v.d0_tokens AS "d0Tokens", v.metrics, v.calibration
      FROM density_fit_versions v JOIN density_references r ON r.id = v.reference_id
     WHERE r.at_run_end AND (r.project_id IS NULL OR r.project_id = (SELECT project_id FROM runs WHERE id = $1))
     ORDER BY v.reference_id, v.version DESC`,
  member_run_metrics: `
    SELECT DISTINCT ON (r.model_id, ${KEY}) r.model_id AS "modelId", r.id AS "runId", ${KEY} AS benchmark, rb.metrics
      FROM runs r JOIN run_benchmarks rb ON rb.run_id = r.id
     WHERE r.status = 'succeeded' AND rb.metrics IS NOT NULL AND r.model_id = ANY($1) AND ($2::uuid[] IS NULL OR r.id = ANY($2))
     ORDER BY r.model_id, ${KEY}, r.finished_at DESC NULLS LAST, r.created_at DESC`,
} satisfies SqlStatements;

export type MemberWithModel = DensityReferenceMemberEntity & { model: ModelEntity };
export type NewReference = Pick<
  DensityReferenceEntity,
  'name' | 'projectId' | 'description' | 'd0Tokens' | 'frontierRule' | 'benchmarks' | 'metrics' | 'isDefault' | 'atRunEnd'
>;
export type NewMember = Pick<DensityReferenceMemberEntity, 'modelId' | 'role' | 'measurements'>;
export type NewFitVersion = Omit<DensityFitVersionEntity, 'id' | 'referenceId' | 'version' | 'createdAt' | 'reference'>;

/** A fit version as run-end densities need it, with its family's name. */
export interface AtRunEndVersion {
  id: string;
  referenceId: string;
  reference: string;
  version: number;
  d0Tokens: number;
  metrics: Record<string, string>;
  calibration: unknown;
}

/** One member's latest succeeded run of one benchmark key, with that run's metrics. */
export interface MemberRunMetrics {
  modelId: string;
  runId: string;
  benchmark: string;
  metrics: Record<string, { value: number }>;
}

/**
 * The reference families aggregate: density_references, their members and their immutable fit versions. A family
 * is the project's (project_id) or global (null: the built-in ones and those an admin made).
 */
@Injectable()
export class DensityReferencesRepository {
  constructor(private readonly db: DataSource) {}

  /** Runs fn in one transaction; the repositories' methods given its tx run inside it. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx));
  }

  /** A family and its members in one transaction; `isDefault` takes the default from the family that had it. */
  createWithMembers(reference: NewReference, members: readonly NewMember[]): Promise<string> {
    return this.db.transaction(async (tx) => {
      if (reference.isDefault) await tx.update(DensityReferenceEntity, { isDefault: true }, { isDefault: false });
      const saved = await tx.save(tx.create(DensityReferenceEntity, reference));
      await tx.insert(DensityReferenceMemberEntity, members.map((m) => ({ ...m, referenceId: saved.id })));
      return saved.id;
    });
  }

  /** Every family, newest first. */
  list(): Promise<DensityReferenceEntity[]> {
    return this.db.getRepository(DensityReferenceEntity).find({ order: { createdAt: 'DESC' } });
  }

  byId(id: string, tx: Queryable = this.db): Promise<DensityReferenceEntity | null> {
    return tx.getRepository(DensityReferenceEntity).findOneBy({ id });
  }

  byName(name: string): Promise<DensityReferenceEntity | null> {
    return this.db.getRepository(DensityReferenceEntity).findOneBy({ name });
  }

  defaultReference(): Promise<DensityReferenceEntity | null> {
    return this.db.getRepository(DensityReferenceEntity).findOneBy({ isDefault: true });
  }

  /** The family fitted most recently among those project `projectId` sees (every family when null). */
  async latestFittedId(projectId: string | null): Promise<string | null> {
    const [row]: Array<{ id: string }> = await this.db.query(DENSITY_REFERENCES_SQL.latest_fitted_in_scope, [projectId]);
    return row?.id ?? null;
  }

  /** A family's members with their models (N, D, backend), in a stable order. */
  async members(referenceId: string, tx: Queryable = this.db): Promise<MemberWithModel[]> {
    return (await tx.getRepository(DensityReferenceMemberEntity).find({
      where: { referenceId },
      relations: { model: true },
      order: { id: 'ASC' },
    })) as MemberWithModel[];
  }

  /** A family's versions, newest first, without their (large) calibration and data points. */
  versions(referenceId: string): Promise<DensityFitVersionEntity[]> {
    return this.db.getRepository(DensityFitVersionEntity).find({
      where: { referenceId },
      order: { version: 'DESC' },
      select: { id: true, referenceId: true, version: true, d0Tokens: true, metrics: true, quality: true, warnings: true, library: true, createdAt: true },
    });
  }

  version(referenceId: string, version: number): Promise<DensityFitVersionEntity | null> {
    return this.db.getRepository(DensityFitVersionEntity).findOneBy({ referenceId, version });
  }

  fitVersion(id: string): Promise<DensityFitVersionEntity | null> {
    return this.db.getRepository(DensityFitVersionEntity).findOneBy({ id });
  }

  async latestVersion(referenceId: string): Promise<DensityFitVersionEntity | null> {
    const [found] = await this.db.getRepository(DensityFitVersionEntity).find({ where: { referenceId }, order: { version: 'DESC' }, take: 1 });
    return found ?? null;
  }

  /** The latest version of every family. */
  async latestVersionIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(DENSITY_REFERENCES_SQL.latest_version_ids);
    return rows.map((r) => r.id);
  }

  /** reference id → its latest version's number and method. */
  async latestVersionNumbers(ids: readonly string[]): Promise<Map<string, { version: number; method: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; version: number; method: string | null }> = await this.db.query(DENSITY_REFERENCES_SQL.latest_version_numbers, [ids]);
    return new Map(rows.map((r) => [r.id, { version: r.version, method: r.method }]));
  }

  /**
   * Stores the family's next version, built by `build` from its number, in `tx` (the caller commits it with its own
   * changes, or neither). Fits of one family are serialised by a row lock, so version numbers are dense and unique;
   * `build` may throw (a refused fit), and then nothing is stored.
   */
  async insertNextVersion(referenceId: string, build: (version: number) => NewFitVersion, tx: Queryable): Promise<DensityFitVersionEntity> {
    await tx.query(DENSITY_REFERENCES_SQL.lock_reference, [referenceId]);
    const [{ next }]: Array<{ next: number }> = await tx.query(DENSITY_REFERENCES_SQL.next_version, [referenceId]);
    const repo = tx.getRepository(DensityFitVersionEntity);
    return repo.save(repo.create({ ...build(next), referenceId, version: next }));
  }

  /** The latest fits of the families marked at_run_end that the run's project sees: its own and the global ones. */
  atRunEndVersions(runId: string): Promise<AtRunEndVersion[]> {
    return this.db.query(DENSITY_REFERENCES_SQL.at_run_end_versions, [runId]);
  }

  /** Per model and benchmark key, the latest succeeded run's metrics (among `runIds` when given): a fit's inputs. */
  memberRunMetrics(modelIds: readonly string[], runIds?: readonly string[]): Promise<MemberRunMetrics[]> {
    return this.db.query(DENSITY_REFERENCES_SQL.member_run_metrics, [modelIds, runIds ?? null]);
  }
}

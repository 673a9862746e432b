import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FitDataPoint } from '../entities/density-fit-version.entity';
import type { Queryable, SqlStatements } from './sql';

export const BUILTIN_REFERENCES_SQL = {
  lock: `SELECT pg_advisory_xact_lock(hashtext($1))`,
  latest_version: `
    SELECT v.id, v.library FROM density_fit_versions v JOIN density_references r ON r.id = v.reference_id
     WHERE r.builtin = $1 ORDER BY v.version DESC LIMIT 1`,
  upsert_models: `
    INSERT INTO models (project_id, name, params_total, training_tokens, backend)
    SELECT NULL, name, params, $3, '{"kind":"imported"}'::jsonb FROM unnest($1::text[], $2::bigint[]) AS t(name, params)
    ON CONFLICT (project_id, name) DO NOTHING`,
  global_models_by_name: `SELECT id, name FROM models WHERE project_id IS NULL AND name = ANY($1)`,
  reference_of_builtin: `SELECT id FROM density_references WHERE builtin = $1`,
  update_reference_benchmarks: `UPDATE density_references SET benchmarks = $2, metrics = $3 WHERE id = $1`,
  name_taken: `SELECT 1 FROM density_references WHERE name = $1`,
  insert_reference: `
    INSERT INTO density_references (project_id, name, description, d0_tokens, frontier_rule, benchmarks, metrics, is_default, at_run_end, builtin)
    VALUES (NULL, $1, $2, $3, 'record', $4, $5, NOT EXISTS (SELECT 1 FROM density_references WHERE is_default), true, $1) RETURNING id`,
  insert_members: `
    INSERT INTO density_reference_members (reference_id, model_id, role) SELECT $1, unnest($2::uuid[]), 'both'
    ON CONFLICT (reference_id, model_id) DO NOTHING`,
  import_of_table: `SELECT 1 FROM density_imports WHERE format = 'builtin' AND provenance ->> 'tableSha256' = $1`,
  insert_import: `
    INSERT INTO density_imports (project_id, format, file_name, source, provenance)
    VALUES (NULL, 'builtin', $1, $2, $3) RETURNING id`,
  insert_imported_scores: `
    INSERT INTO density_imported_scores (import_id, model_id, benchmark, metric, value, stderr)
    SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::float8[], $6::float8[])`,
  insert_next_version: `
    INSERT INTO density_fit_versions (reference_id, version, d0_tokens, metrics, calibration, data_points, quality, warnings, library)
    SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM density_fit_versions WHERE reference_id = $1
    RETURNING id, version`,
} satisfies SqlStatements;

/** The built-in family as stored: its name, description, D, benchmarks and their metrics. */
export interface BuiltinReferenceRow {
  name: string;
  description: string;
  d0Tokens: number;
  benchmarks: string[];
  metrics: Record<string, string>;
}

export interface BuiltinScore {
  modelId: string;
  benchmark: string;
  metric: string;
  value: number;
  stderr: number | null;
}

export interface BuiltinVersion {
  d0Tokens: number;
  metrics: Record<string, string>;
  calibration: unknown;
  dataPoints: FitDataPoint[];
  quality: Record<string, unknown>;
  warnings: string[];
  library: Record<string, unknown>;
}

/**
 * Installing a built-in reference family (pythia) from a table shipped in the package: its global models (published
 * scores, no backend), the family and its members, the final-checkpoint scores as an import, and its fit versions.
 * One installer writing into the models, references and imports aggregates in one transaction, serialised by an
 * advisory lock, so several results replicas starting together install once.
 */
@Injectable()
export class BuiltinReferencesRepository {
  constructor(private readonly db: DataSource) {}

  /** Runs fn in a transaction holding the advisory lock `lock`. */
  locked<T>(lock: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(BUILTIN_REFERENCES_SQL.lock, [lock]);
      return fn(tx);
    });
  }

  /** The built-in family's latest version: its id and library record (what it was fitted from). */
  async latestVersion(builtin: string, tx: Queryable = this.db): Promise<{ id: string; library: Record<string, unknown> } | null> {
    const [latest] = await tx.query(BUILTIN_REFERENCES_SQL.latest_version, [builtin]);
    return latest ?? null;
  }

  /** Global models of these names and sizes, created when missing (D = trainingTokens); name → id. */
  async upsertModels(models: ReadonlyArray<{ name: string; params: number }>, trainingTokens: number, tx: Queryable): Promise<Map<string, string>> {
    const names = models.map((m) => m.name);
    await tx.query(BUILTIN_REFERENCES_SQL.upsert_models, [names, models.map((m) => m.params), trainingTokens]);
    const found: Array<{ id: string; name: string }> = await tx.query(BUILTIN_REFERENCES_SQL.global_models_by_name, [names]);
    return new Map(found.map((m) => [m.name, m.id]));
  }

  /**
   * The built-in family's id, with every model of `modelIds` a member: created when missing (the default family when
   * there is none), its benchmarks and metrics updated when present; null when a user's family holds the name.
   */
  async ensureReference(ref: BuiltinReferenceRow, modelIds: readonly string[], tx: Queryable): Promise<string | null> {
    let [row]: Array<{ id: string }> = await tx.query(BUILTIN_REFERENCES_SQL.reference_of_builtin, [ref.name]);
    if (row) {
      await tx.query(BUILTIN_REFERENCES_SQL.update_reference_benchmarks, [row.id, ref.benchmarks, ref.metrics]);
    } else {
      const [taken] = await tx.query(BUILTIN_REFERENCES_SQL.name_taken, [ref.name]);
      if (taken) return null;
      [row] = await tx.query(BUILTIN_REFERENCES_SQL.insert_reference, [ref.name, ref.description, ref.d0Tokens, ref.benchmarks, ref.metrics]);
    }
    await tx.query(BUILTIN_REFERENCES_SQL.insert_members, [row.id, modelIds]);
    return row.id;
  }

  /** The table's scores as an import, once per table (its sha256 in the provenance). */
  async ensureImport(
    file: { fileName: string; source: string; provenance: Record<string, unknown> & { tableSha256: string } },
    scores: readonly BuiltinScore[],
    tx: Queryable,
  ): Promise<void> {
    const [done] = await tx.query(BUILTIN_REFERENCES_SQL.import_of_table, [file.provenance.tableSha256]);
    if (done) return;
    const [imp]: Array<{ id: string }> = await tx.query(BUILTIN_REFERENCES_SQL.insert_import, [file.fileName, file.source, file.provenance]);
    await tx.query(BUILTIN_REFERENCES_SQL.insert_imported_scores, [
      imp.id,
      scores.map((s) => s.modelId),
      scores.map((s) => s.benchmark),
      scores.map((s) => s.metric),
      scores.map((s) => s.value),
      scores.map((s) => s.stderr),
    ]);
  }

  /** Stores the family's next version (numbered in the same statement; the advisory lock serialises installers). */
  async insertNextVersion(referenceId: string, v: BuiltinVersion, tx: Queryable): Promise<{ id: string; version: number }> {
    const [row]: Array<{ id: string; version: number }> = await tx.query(BUILTIN_REFERENCES_SQL.insert_next_version, [
      referenceId, v.d0Tokens, v.metrics, v.calibration, JSON.stringify(v.dataPoints), v.quality, JSON.stringify(v.warnings), v.library,
    ]);
    return row;
  }
}

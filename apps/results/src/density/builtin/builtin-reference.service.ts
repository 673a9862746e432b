import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { DomainException, ErrorCode } from '@app/contracts';
import { FitDataPoint } from '@app/database';
import {
  COMPOSED_EQUATION, DENSITY_SCHEMA_VERSION, PYTHIA_REFERENCE, PythiaTableRow, ReferenceCalibration, benchmarkKey, calibrationQuality, calibrationWarnings,
} from '@app/density';
import { JobName, QueueName, resultsJobOptions } from '@app/queue';
import { PythiaTable, pythiaFitIdentity, readPythiaTable } from './pythia-calibration';
import { fitPythiaInWorker } from './pythia-fit-runner';

export type InstallResult =
  | { status: 'current'; versionId: string }
  | { status: 'fitted'; referenceId: string; versionId: string; version: number }
  | { status: 'skipped'; reason: string };

const LOCK = 'densebench:builtin-reference:pythia';
const SOURCE = 'EleutherAI/pythia@a19eecb807ec2c79a39ebf18108816e6ffffc1d5 evals/pythia-v1 (lm-evaluation-harness v0.3)';
const DESCRIPTION =
  'Built in: the Pythia suite (70M–12B, the same 300B Pile tokens in the same order), from EleutherAI\'s published lm-eval ' +
  'results at up to 27 checkpoints each. Its losses were not published, so its fit composes the Densing Law\'s two curves on ' +
  'scores (method densing-law-composed-on-scores), validated by leaving each size out. See references/pythia and DENSITY.md.';

type Identity = ReturnType<typeof pythiaFitIdentity>;

/**
 * Installs the built-in Pythia reference and keeps it fitted: its 8 models (published scores, no backend), their
 * final-checkpoint scores as an import (so the leaderboard lists them), the reference `pythia` (measured at every
 * run's end; the default when no other is), and a fit version from the table in the package, refitted when the
 * table or the fitting code changes. Idempotent, and safe with several results replicas (an advisory lock).
 */
@Injectable()
export class BuiltinReferenceService {
  private readonly logger = new Logger(BuiltinReferenceService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Results) private readonly queue: Queue,
  ) {}

  async install(name: string): Promise<InstallResult> {
    if (name !== PYTHIA_REFERENCE.name) throw new DomainException(ErrorCode.InvalidInput, `unknown built-in reference "${name}" (known: pythia)`);
    const table = readPythiaTable();
    const current = await this.currentVersion(this.db.manager, pythiaFitIdentity(table));
    if (current) return { status: 'current', versionId: current };
    const started = Date.now();
    const fitted = await fitPythiaInWorker(table.path);
    if (fitted.sha256 !== table.sha256) throw new DomainException(ErrorCode.Transient, `${table.path} changed while it was being fitted`);
    const result = await this.store(table, fitted.calibration);
    if (result.status === 'fitted') this.logger.log(`built-in reference pythia fitted as version ${result.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  }

  /**
   * Stores a calibration of `table` as the built-in reference's next version (with its models, members and import),
   * unless a current one exists, then enqueues the recompute of every density against it. Serialised by an
   * advisory lock, so concurrent installs store one version.
   */
  async store(table: PythiaTable, calibration: ReferenceCalibration): Promise<InstallResult> {
    const identity = pythiaFitIdentity(table);
    const result = await this.db.transaction(async (tx): Promise<InstallResult> => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [LOCK]);
      const now = await this.currentVersion(tx, identity);
      if (now) return { status: 'current', versionId: now };
      const models = await upsertModels(tx, table.rows);
      const referenceId = await ensureReference(tx, models, calibration);
      if (!referenceId) return { status: 'skipped', reason: 'a reference family named "pythia" exists and is not the built-in one' };
      await ensureImport(tx, table, models);
      const { id, version } = await insertVersion(tx, referenceId, calibration, table, models, identity);
      return { status: 'fitted', referenceId, versionId: id, version };
    });
    if (result.status === 'skipped') this.logger.warn(`built-in reference pythia not installed: ${result.reason}`);
    if (result.status === 'fitted') {
      const jobId = `density-recompute-${result.versionId}-builtin`;
      await this.queue.add(JobName.RecomputeDensities, { fitVersionId: result.versionId }, { ...resultsJobOptions, jobId });
    }
    return result;
  }

  /** The id of the built-in reference's latest version if it was fitted on this table by this fitting code. */
  private async currentVersion(m: EntityManager, identity: Identity): Promise<string | null> {
    const [latest]: Array<{ id: string; library: Record<string, unknown> }> = await m.query(
      `SELECT v.id, v.library FROM density_fit_versions v JOIN density_references r ON r.id = v.reference_id
        WHERE r.builtin = $1 ORDER BY v.version DESC LIMIT 1`,
      [PYTHIA_REFERENCE.name],
    );
    return latest && latest.library.tableSha256 === identity.tableSha256 && latest.library.fitRevision === identity.fitRevision ? latest.id : null;
  }
}

type Models = Map<string, string>; // name → id

const standardRows = (rows: readonly PythiaTableRow[]) => rows.filter((r) => r.suite === PYTHIA_REFERENCE.suite);

/** The suite's models by name, global (no project), created when missing (published scores only: no backend a worker runs). */
async function upsertModels(tx: EntityManager, rows: readonly PythiaTableRow[]): Promise<Models> {
  const byName = new Map(standardRows(rows).map((r) => [r.model, r]));
  const names = [...byName.keys()];
  await tx.query(
    `INSERT INTO models (project_id, name, params_total, training_tokens, backend)
     SELECT NULL, name, params, $3, '{"kind":"imported"}'::jsonb FROM unnest($1::text[], $2::bigint[]) AS t(name, params)
     ON CONFLICT (project_id, name) DO NOTHING`,
    [names, names.map((n) => byName.get(n)!.params_total), PYTHIA_REFERENCE.trainingTokens],
  );
  const found: Array<{ id: string; name: string }> = await tx.query(`SELECT id, name FROM models WHERE project_id IS NULL AND name = ANY($1)`, [names]);
  return new Map(found.map((m) => [m.name, m.id]));
}

/** The built-in reference's id: created (with its members) when missing; null when a user's family holds the name. */
async function ensureReference(tx: EntityManager, models: Models, calibration: ReferenceCalibration): Promise<string | null> {
  const benchmarks = Object.keys(calibration.benchmarks);
  const metrics = Object.fromEntries(benchmarks.map((key) => [key, PYTHIA_REFERENCE.metrics[key.split('@')[0]]]));
  let [ref]: Array<{ id: string }> = await tx.query(`SELECT id FROM density_references WHERE builtin = $1`, [PYTHIA_REFERENCE.name]);
  if (ref) {
    await tx.query(`UPDATE density_references SET benchmarks = $2, metrics = $3 WHERE id = $1`, [ref.id, benchmarks, metrics]);
  } else {
    const [taken] = await tx.query(`SELECT 1 FROM density_references WHERE name = $1`, [PYTHIA_REFERENCE.name]);
    if (taken) return null;
    [ref] = await tx.query(
      `INSERT INTO density_references (project_id, name, description, d0_tokens, frontier_rule, benchmarks, metrics, is_default, at_run_end, builtin)
       VALUES (NULL, $1, $2, $3, 'record', $4, $5, NOT EXISTS (SELECT 1 FROM density_references WHERE is_default), true, $1) RETURNING id`,
      [PYTHIA_REFERENCE.name, DESCRIPTION, PYTHIA_REFERENCE.trainingTokens, benchmarks, metrics],
    );
  }
  await tx.query(
    `INSERT INTO density_reference_members (reference_id, model_id, role) SELECT $1, unnest($2::uuid[]), 'both'
     ON CONFLICT (reference_id, model_id) DO NOTHING`,
    [ref.id, [...models.values()]],
  );
  return ref.id;
}

/** The models' final-checkpoint scores as an import (once per table), so they appear beside measured runs. */
async function ensureImport(tx: EntityManager, table: PythiaTable, models: Models): Promise<void> {
  const [done] = await tx.query(`SELECT 1 FROM density_imports WHERE format = 'builtin' AND provenance ->> 'tableSha256' = $1`, [table.sha256]);
  if (done) return;
  const [imp]: Array<{ id: string }> = await tx.query(
    `INSERT INTO density_imports (project_id, format, file_name, source, provenance) VALUES (NULL, 'builtin', 'references/pythia/pythia-evals.csv', $1, $2) RETURNING id`,
    [SOURCE, { tableSha256: table.sha256, builtin: PYTHIA_REFERENCE.name, checkpoint: 'step 143000' }],
  );
  const finals = standardRows(table.rows).filter((r) => r.tokens === PYTHIA_REFERENCE.trainingTokens && PYTHIA_REFERENCE.metrics[r.task] === r.metric);
  await tx.query(
    `INSERT INTO density_imported_scores (import_id, model_id, benchmark, metric, value, stderr)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::float8[], $6::float8[])`,
    [
      imp.id,
      finals.map((r) => models.get(r.model)!),
      finals.map((r) => benchmarkKey(r.task, r.num_fewshot)),
      finals.map((r) => r.metric),
      finals.map((r) => r.value),
      finals.map((r) => r.stderr),
    ],
  );
}

async function insertVersion(
  tx: EntityManager,
  referenceId: string,
  calibration: ReferenceCalibration,
  table: PythiaTable,
  models: Models,
  identity: Identity,
): Promise<{ id: string; version: number }> {
  const keys = new Set(Object.keys(calibration.benchmarks));
  const dataPoints: FitDataPoint[] = standardRows(table.rows)
    .filter((r) => r.step > 0 && PYTHIA_REFERENCE.metrics[r.task] === r.metric && keys.has(benchmarkKey(r.task, r.num_fewshot)))
    .map((r) => ({
      modelId: models.get(r.model)!,
      model: r.model,
      params: r.params_total,
      tokens: r.tokens,
      role: 'both',
      benchmark: benchmarkKey(r.task, r.num_fewshot),
      score: r.value,
      loss: null,
      scoreSource: `table:${r.source}`,
      lossSource: null,
    }));
  const metrics = Object.fromEntries([...keys].map((key) => [key, PYTHIA_REFERENCE.metrics[key.split('@')[0]]]));
  const library = {
    package: '@app/density',
    schemaVersion: DENSITY_SCHEMA_VERSION,
    method: calibration.method,
    equations: { composed: COMPOSED_EQUATION },
    builtin: PYTHIA_REFERENCE.name,
    source: SOURCE,
    table: 'references/pythia/pythia-evals.csv',
    ...identity,
  };
  const [row]: Array<{ id: string; version: number }> = await tx.query(
    `INSERT INTO density_fit_versions (reference_id, version, d0_tokens, metrics, calibration, data_points, quality, warnings, library)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM density_fit_versions WHERE reference_id = $1
     RETURNING id, version`,
    [referenceId, calibration.d0Tokens, metrics, calibration, JSON.stringify(dataPoints), calibrationQuality(calibration), JSON.stringify(calibrationWarnings(calibration)), library],
  );
  return row;
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DomainException, ErrorCode } from '@app/contracts';
import { BuiltinReferencesRepository, BuiltinScore, BuiltinVersion, FitDataPoint, Queryable } from '@app/database';
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
const TABLE = 'references/pythia/pythia-evals.csv';
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
    private readonly builtins: BuiltinReferencesRepository,
    @InjectQueue(QueueName.Results) private readonly queue: Queue,
  ) {}

  async install(name: string): Promise<InstallResult> {
    if (name !== PYTHIA_REFERENCE.name) throw new DomainException(ErrorCode.InvalidInput, `unknown built-in reference "${name}" (known: pythia)`);
    const table = readPythiaTable();
    const current = await this.currentVersion(pythiaFitIdentity(table));
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
    const result = await this.builtins.locked(LOCK, async (tx): Promise<InstallResult> => {
      const now = await this.currentVersion(identity, tx);
      if (now) return { status: 'current', versionId: now };
      const rows = standardRows(table.rows);
      const byName = new Map(rows.map((r) => [r.model, r]));
      const models = await this.builtins.upsertModels(
        [...byName.values()].map((r) => ({ name: r.model, params: r.params_total })),
        PYTHIA_REFERENCE.trainingTokens,
        tx,
      );
      const benchmarks = Object.keys(calibration.benchmarks);
      const referenceId = await this.builtins.ensureReference(
        { name: PYTHIA_REFERENCE.name, description: DESCRIPTION, d0Tokens: PYTHIA_REFERENCE.trainingTokens, benchmarks, metrics: metricsOf(benchmarks) },
        [...models.values()],
        tx,
      );
      if (!referenceId) return { status: 'skipped', reason: 'a reference family named "pythia" exists and is not the built-in one' };
      await this.builtins.ensureImport(
        { fileName: TABLE, source: SOURCE, provenance: { tableSha256: table.sha256, builtin: PYTHIA_REFERENCE.name, checkpoint: 'step 143000' } },
        finalScores(rows, models),
        tx,
      );
      const { id, version } = await this.builtins.insertNextVersion(referenceId, versionOf(calibration, rows, models, identity), tx);
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
  private async currentVersion(identity: Identity, tx?: Queryable): Promise<string | null> {
    const latest = await this.builtins.latestVersion(PYTHIA_REFERENCE.name, tx);
    return latest && latest.library.tableSha256 === identity.tableSha256 && latest.library.fitRevision === identity.fitRevision ? latest.id : null;
  }
}

type Models = Map<string, string>; // name → id

const standardRows = (rows: readonly PythiaTableRow[]) => rows.filter((r) => r.suite === PYTHIA_REFERENCE.suite);

const metricsOf = (benchmarks: readonly string[]) => Object.fromEntries(benchmarks.map((key) => [key, PYTHIA_REFERENCE.metrics[key.split('@')[0]]]));

/** The models' final-checkpoint scores, so they appear on the leaderboard beside measured runs. */
function finalScores(rows: readonly PythiaTableRow[], models: Models): BuiltinScore[] {
  return rows
    .filter((r) => r.tokens === PYTHIA_REFERENCE.trainingTokens && PYTHIA_REFERENCE.metrics[r.task] === r.metric)
    .map((r) => ({ modelId: models.get(r.model)!, benchmark: benchmarkKey(r.task, r.num_fewshot), metric: r.metric, value: r.value, stderr: r.stderr }));
}

/** The fit version of a calibration of the table: every checkpoint's score it was fitted on, and where they came from. */
function versionOf(calibration: ReferenceCalibration, rows: readonly PythiaTableRow[], models: Models, identity: Identity): BuiltinVersion {
  const keys = new Set(Object.keys(calibration.benchmarks));
  const dataPoints: FitDataPoint[] = rows
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
  return {
    d0Tokens: calibration.d0Tokens,
    metrics: metricsOf([...keys]),
    calibration,
    dataPoints,
    quality: calibrationQuality(calibration),
    warnings: calibrationWarnings(calibration),
    library: {
      package: '@app/density',
      schemaVersion: DENSITY_SCHEMA_VERSION,
      method: calibration.method,
      equations: { composed: COMPOSED_EQUATION },
      builtin: PYTHIA_REFERENCE.name,
      source: SOURCE,
      table: TABLE,
      ...identity,
    },
  };
}

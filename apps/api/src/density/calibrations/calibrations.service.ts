import { Injectable, Logger } from '@nestjs/common';
import { CalibrationStatus, DomainException, ErrorCode, notFound } from '@app/contracts';
import { DEFAULT_PROJECT_ID, DensityCalibrationEntity, DensityCalibrationsRepository, isUniqueViolation } from '@app/database';
import { CreateRunRequestDto } from '../../runs/dto/create-run.dto';
import { PreparedRun, WrittenRun, writeRun } from '../../runs/run-writer';
import { RunsService, isRunnable } from '../../runs/runs.service';
import { refuseBuiltin } from '../references/reference-fit.service';
import { ReferencesService } from '../references/references.service';
import { calibrationKeys, planCalibration } from './calibration-plan';
import { CalibrateReferenceRequestDto } from './dto/calibrate.dto';

export type CalibrationWithReference = { calibration: DensityCalibrationEntity; reference: string };

/**
 * Calibrating a reference family by running it (the paper's method): validates everything first (nothing is written
 * when the request is refused), then writes the calibration and one run per measured member in one transaction, and
 * enqueues the runs. The results service fits the family when the runs have ended (advance-calibration).
 */
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';

@Injectable()
export class CalibrationsService {
  private readonly logger = new Logger(CalibrationsService.name);

  constructor(
    private readonly calibrations: DensityCalibrationsRepository,
    private readonly references: ReferencesService,
    private readonly runs: RunsService,
  ) {}

  async submit(referenceId: string, dto: CalibrateReferenceRequestDto, scope: ProjectScope, idempotencyKey?: string): Promise<CalibrationWithReference> {
    if (idempotencyKey) {
      const existing = await this.byIdempotencyKey(idempotencyKey, scope);
      if (existing) return existing;
    }
    const reference = await this.references.get(referenceId, scope);
    refuseBuiltin(reference);
    const members = await this.references.membersOf(referenceId);
    const keys = calibrationKeys(dto.benchmarks, await this.runs.planBenchmarks(dto.benchmarks, scope));
    // The calibration and its runs belong to the family's project.
    const projectId = reference.projectId ?? ownerProject(scope, DEFAULT_PROJECT_ID);
    const { measured } = planCalibration(reference.name, members, keys, isRunnable);
    const prepared: PreparedRun[] = [];
    for (const m of measured) prepared.push(await this.runs.prepare(Object.assign(new CreateRunRequestDto(), { ...dto, modelId: m.modelId }), { projectId }));

    let written: { calibration: DensityCalibrationEntity; runs: WrittenRun[] };
    try {
      written = await this.calibrations.createWithRuns(
        {
          referenceId,
          projectId,
          status: CalibrationStatus.Running,
          benchmarks: dto.benchmarks.map((b) => ({ ...b })),
          benchmarkKeys: keys,
          pool: dto.pool,
          priority: dto.priority,
          shardSize: dto.shardSize ?? null,
          seed: dto.seed,
          idempotencyKey: idempotencyKey ?? null,
        },
        async (tx) => {
          const runs: WrittenRun[] = [];
          for (const p of prepared) runs.push(await writeRun(tx, p));
          return runs;
        },
      );
    } catch (err) {
      // The same Idempotency-Key submitted twice at once: the second finds the first's calibration.
      const raced = idempotencyKey && isUniqueViolation(err) ? await this.byIdempotencyKey(idempotencyKey, scope) : null;
      if (raced) return raced;
      throw err;
    }
    await this.enqueueAll(written.runs);
    this.logger.log(`calibration ${written.calibration.id} of "${reference.name}": ${written.runs.length} run(s) on ${keys.join(', ')}`);
    return { calibration: written.calibration, reference: reference.name };
  }

  async get(id: string, scope: ProjectScope): Promise<CalibrationWithReference> {
    const calibration = await this.calibrations.withReference(id);
    if (!calibration || !inScope(scope, calibration.projectId)) throw notFound('calibration', id);
    return { calibration, reference: calibration.reference!.name };
  }

  /** A family's calibrations, newest first. */
  async list(referenceId: string, scope: ProjectScope, limit: number, offset: number): Promise<CalibrationWithReference[]> {
    const reference = await this.references.get(referenceId, scope);
    const rows = await this.calibrations.listOfReference(referenceId, scope.projectId, limit, offset);
    return rows.map((calibration) => ({ calibration, reference: reference.name }));
  }

  /** Enqueues every run; those the queue refuses now stay queued for the results service's reconciler. */
  private async enqueueAll(runs: WrittenRun[]): Promise<void> {
    for (const w of runs) await this.runs.enqueue(w);
  }

  private async byIdempotencyKey(idempotencyKey: string, scope: ProjectScope): Promise<CalibrationWithReference | null> {
    const calibration = await this.calibrations.byIdempotencyKey(idempotencyKey);
    if (calibration && !inScope(scope, calibration.projectId)) throw new DomainException(ErrorCode.Conflict, 'this Idempotency-Key was used by another project: choose another');
    return calibration ? { calibration, reference: calibration.reference!.name } : null;
  }
}

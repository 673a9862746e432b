import { Injectable, Logger } from '@nestjs/common';
import { BackendSpec, DomainException, ErrorCode, IMPORTED_BACKEND_KIND, invalidInput, notFound } from '@app/contracts';
import { DEFAULT_PROJECT_ID, DensityImportEntity, DensityImportsRepository, ModelEntity } from '@app/database';
import { DensityJobsService } from '@app/reference-fits';
import { CreateModelRequestDto } from '../../models/dto/create-model.dto';
import { ModelsService } from '../../models/models.service';
import { ReferencesService } from '../references/references.service';
import { ImportQueryDto, ImportedModelDto } from './dto/import.dto';
import { ParsedModel, parseCsvBody, parseLmEvalBody } from './import-parsers';

/**
 * Models created by an import have no backend a worker can run: their numbers come from elsewhere.
 * (Submitting a run for one queues shards no worker consumes; see the report of the density work.)
 */
const IMPORTED_BACKEND = { kind: IMPORTED_BACKEND_KIND } as unknown as BackendSpec;

export interface ImportResult {
  record: DensityImportEntity;
  models: ImportedModelDto[];
  recomputeJobIds: string[];
}

/**
 * Imports results users already have (lm-eval results JSON, CSV of published scores): models are matched by
 * name or created, scores stored with the import's provenance, then every fitted reference family recomputes
 * its densities so imported and measured models share one leaderboard.
 */
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';

@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly imports: DensityImportsRepository,
    private readonly models: ModelsService,
    private readonly references: ReferencesService,
    private readonly jobs: DensityJobsService,
  ) {}

  async import(body: unknown, contentType: string | undefined, q: ImportQueryDto, scope: ProjectScope): Promise<ImportResult> {
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    let parsed;
    if (type === 'text/csv' && typeof body === 'string') parsed = parseCsvBody(body, q);
    else if (type === 'application/json' && typeof body === 'object' && body !== null && !Array.isArray(body)) parsed = parseLmEvalBody(body as Record<string, unknown>, q);
    else throw invalidInput('send an lm-evaluation-harness results file as application/json, or a table of published scores as text/csv');

    const matched: Array<{ model: ModelEntity; created: boolean; warnings: string[]; parsed: ParsedModel }> = [];
    for (const p of parsed.models) matched.push({ ...(await this.matchOrCreate(p, scope)), parsed: p });

    const record = await this.imports.create(
      { projectId: ownerProject(scope, DEFAULT_PROJECT_ID), format: parsed.format, fileName: parsed.fileName, source: parsed.source, provenance: parsed.provenance },
      matched.flatMap((m) => m.parsed.scores.map((s) => ({ modelId: m.model.id, ...s }))),
    );

    const recomputeJobIds: string[] = [];
    for (const versionId of await this.references.latestVersionIds()) {
      try {
        recomputeJobIds.push(await this.jobs.recompute(versionId, `import-${record.id}`));
      } catch (err) {
        this.logger.error(`import ${record.id}: enqueueing the recompute of ${versionId} failed: ${(err as Error).message}`);
      }
    }
    const models = matched.map((m) => ({ modelId: m.model.id, name: m.model.name, created: m.created, scores: m.parsed.scores, warnings: m.warnings }));
    return { record, models, recomputeJobIds };
  }

  async list(scope: ProjectScope, limit: number, offset: number): Promise<[DensityImportEntity[], number]> {
    return this.imports.list(scope.projectId, limit, offset);
  }

  async get(id: string, scope: ProjectScope): Promise<{ record: DensityImportEntity; models: ImportedModelDto[] }> {
    const record = await this.imports.byId(id);
    if (!record || !inScope(scope, record.projectId)) throw notFound('import', id);
    const rows = await this.imports.scoresOf(id);
    const byModel = new Map<string, ImportedModelDto>();
    for (const r of rows) {
      const m = byModel.get(r.modelId) ?? { modelId: r.modelId, name: r.name, created: false, scores: [], warnings: [] };
      m.scores.push({ benchmark: r.benchmark, metric: r.metric, value: r.value, stderr: r.stderr });
      byModel.set(r.modelId, m);
    }
    return { record, models: [...byModel.values()] };
  }

  /** The registered model of that name, or a new one from the import's facts (its parameter count is required). */
  private async matchOrCreate(p: ParsedModel, scope: ProjectScope): Promise<{ model: ModelEntity; created: boolean; warnings: string[] }> {
    const existing = await this.byName(p.name, scope);
    if (existing) return { model: existing, created: false, warnings: differences(existing, p) };
    if (!p.params) {
      throw invalidInput(`model "${p.name}" is not registered and the import does not give its parameter count: pass params (e.g. ?params=160000000)`);
    }
    const dto = {
      name: p.name,
      paramsTotal: Math.round(p.params),
      paramsActive: p.activeParams === null ? undefined : Math.round(p.activeParams),
      releaseDate: p.releaseDate ?? undefined,
      trainingTokens: p.trainingTokens ?? undefined,
      backend: IMPORTED_BACKEND,
    } as unknown as CreateModelRequestDto;
    try {
      return { model: await this.models.create(dto, scope), created: true, warnings: [] };
    } catch (err) {
      // Another import created it a moment ago.
      const raced = err instanceof DomainException && err.code === ErrorCode.Conflict ? await this.byName(p.name, scope) : null;
      if (raced) return { model: raced, created: false, warnings: differences(raced, p) };
      throw err;
    }
  }

  /** The project's model of that name, else a built-in one of that name. */
  private async byName(name: string, scope: ProjectScope): Promise<ModelEntity | null> {
    const [found] = (await this.models.list(scope, 2, 0, name))[0].sort((a, b) => Number(a.projectId === null) - Number(b.projectId === null));
    return found ?? null;
  }
}

/** Facts of the import that disagree with the registered model (the registered ones are kept). */
function differences(m: ModelEntity, p: ParsedModel): string[] {
  const out: string[] = [];
  const check = (what: string, registered: unknown, imported: unknown) => {
    if (imported !== null && imported !== undefined && registered !== null && registered !== imported) {
      out.push(`${what}: the import says ${String(imported)}, the registered model ${String(registered)} (kept)`);
    }
  };
  check('params', m.paramsTotal, p.params === null ? null : Math.round(p.params));
  check('releaseDate', m.releaseDate, p.releaseDate);
  check('trainingTokens', m.trainingTokens, p.trainingTokens);
  return out;
}

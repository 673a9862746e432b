import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode, invalidInput, notFound } from '@app/contracts';
import { DEFAULT_PROJECT_ID, DensityFitVersionEntity, DensityReferenceEntity, DensityReferencesRepository, MemberWithModel, isUniqueViolation } from '@app/database';
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { ModelsService } from '../../models/models.service';
import { CreateReferenceRequestDto } from './dto/create-reference.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReferenceDetails {
  reference: DensityReferenceEntity;
  members: MemberWithModel[];
  versions: DensityFitVersionEntity[];
}

/** Reference families: creation, lookup (by id or name, or the default one) and their fit versions. */
@Injectable()
export class ReferencesService {
  constructor(
    private readonly references: DensityReferencesRepository,
    private readonly models: ModelsService,
  ) {}

  async create(dto: CreateReferenceRequestDto, scope: ProjectScope): Promise<ReferenceDetails> {
    validateMaps(dto);
    if (dto.isDefault && scope.projectId !== null) {
      throw new DomainException(ErrorCode.Forbidden, 'isDefault changes the default family of every project: only a global (admin) key may set it');
    }
    const ids = dto.members.map((m) => m.modelId);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw invalidInput(`model ${dup} is listed twice in members`);
    for (const m of dto.members) {
      const model = await this.models.get(m.modelId, scope);
      if (m.role !== 'performance' && !(model.trainingTokens && model.trainingTokens > 0)) {
        throw invalidInput(`model "${model.name}" has no trainingTokens (D): the loss family (role ${m.role}) needs N and D`, { modelId: model.id });
      }
    }
    let id: string;
    try {
      id = await this.references.createWithMembers(
        {
          name: dto.name,
          projectId: ownerProject(scope, DEFAULT_PROJECT_ID),
          description: dto.description ?? null,
          d0Tokens: dto.d0Tokens,
          frontierRule: dto.frontier,
          benchmarks: dto.benchmarks ?? null,
          metrics: dto.metrics ?? {},
          isDefault: dto.isDefault,
          atRunEnd: dto.atRunEnd,
        },
        dto.members.map((m) => ({ modelId: m.modelId, role: m.role, measurements: m.measurements ?? {} })),
      );
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException(ErrorCode.Conflict, `a reference family named "${dto.name}" already exists`, { name: dto.name });
      }
      throw err;
    }
    return this.details(id, scope);
  }

  async list(scope: ProjectScope): Promise<Array<DensityReferenceEntity & { latestVersion: number | null; method: string | null }>> {
    const rows = (await this.references.list()).filter((r) => inScope(scope, r.projectId));
    const latest = await this.references.latestVersionNumbers(rows.map((r) => r.id));
    return rows.map((r) => Object.assign(r, { latestVersion: latest.get(r.id)?.version ?? null, method: latest.get(r.id)?.method ?? null }));
  }

  /** A family of the scope's project, or a built-in one; another project's is not found. */
  async get(id: string, scope: ProjectScope): Promise<DensityReferenceEntity> {
    const reference = await this.references.byId(id);
    if (!reference || !inScope(scope, reference.projectId)) throw notFound('reference family', id);
    return reference;
  }

  async details(id: string, scope: ProjectScope): Promise<ReferenceDetails> {
    const reference = await this.get(id, scope);
    const [members, versions] = await Promise.all([this.membersOf(id), this.versionsOf(id)]);
    return { reference, members, versions };
  }

  /** By id or by name; without either, the default family, else the most recently fitted one. */
  async resolve(scope: ProjectScope, ref?: string): Promise<DensityReferenceEntity> {
    if (ref) {
      const found = await (UUID.test(ref) ? this.references.byId(ref) : this.references.byName(ref));
      if (!found || !inScope(scope, found.projectId)) throw notFound('reference family', ref);
      return found;
    }
    const byDefault = await this.references.defaultReference();
    if (byDefault && inScope(scope, byDefault.projectId)) return byDefault;
    const latest = await this.references.latestFittedId(scope.projectId);
    if (!latest) throw new DomainException(ErrorCode.NotFound, 'no reference family has been fitted yet: create one and POST /v1/density/references/:id/fit');
    return this.get(latest, scope);
  }

  membersOf(referenceId: string): Promise<MemberWithModel[]> {
    return this.references.members(referenceId);
  }

  versionsOf(referenceId: string): Promise<DensityFitVersionEntity[]> {
    return this.references.versions(referenceId);
  }

  async version(referenceId: string, version: number, scope: ProjectScope): Promise<DensityFitVersionEntity> {
    await this.get(referenceId, scope);
    const found = await this.references.version(referenceId, version);
    if (!found) throw notFound(`fit version ${version} of reference family`, referenceId);
    return found;
  }

  /** The version densities are read from: the latest one. */
  async latestVersion(reference: DensityReferenceEntity): Promise<DensityFitVersionEntity> {
    const found = await this.references.latestVersion(reference.id);
    if (!found) {
      throw new DomainException(ErrorCode.Conflict, `reference family "${reference.name}" has no fit yet: POST /v1/density/references/${reference.id}/fit`);
    }
    return found;
  }

  /** A family by name or id (default: the last one fitted) and the version its densities are read from. */
  async resolveLatest(scope: ProjectScope, ref?: string): Promise<{ reference: DensityReferenceEntity; version: DensityFitVersionEntity }> {
    const reference = await this.resolve(scope, ref);
    return { reference, version: await this.latestVersion(reference) };
  }

  /** The latest version of every family (what an import must be measured against). */
  latestVersionIds(): Promise<string[]> {
    return this.references.latestVersionIds();
  }
}

/** The two free-form maps of the request: metric names and given measurements. */
function validateMaps(dto: CreateReferenceRequestDto): void {
  for (const [benchmark, metric] of Object.entries(dto.metrics ?? {})) {
    if (typeof metric !== 'string' || metric.length === 0 || metric.length > 200) {
      throw invalidInput(`metrics.${benchmark} must be a metric key such as acc or acc_norm`);
    }
  }
  dto.members.forEach((m, i) => {
    for (const [benchmark, given] of Object.entries(m.measurements ?? {})) {
      const at = `members[${i}].measurements.${benchmark}`;
      if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalidInput(`${at} must be an object { score?, loss? }`);
      const extra = Object.keys(given).filter((k) => k !== 'score' && k !== 'loss');
      if (extra.length) throw invalidInput(`${at}: unknown field(s) ${extra.join(', ')} (expected score, loss)`);
      if (given.score !== undefined && !(typeof given.score === 'number' && Number.isFinite(given.score))) throw invalidInput(`${at}.score must be a number`);
      if (given.loss !== undefined && !(typeof given.loss === 'number' && given.loss > 0 && Number.isFinite(given.loss))) {
        throw invalidInput(`${at}.loss must be a positive number (conditional loss per token)`);
      }
    }
  });
}

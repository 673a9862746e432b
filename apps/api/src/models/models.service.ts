import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { apiConfig, hubConfig, pathsConfig } from '@app/config';
import { BackendKind, BackendSpec, DomainException, ErrorCode, invalidInput, notFound } from '@app/contracts';
import { DEFAULT_PROJECT_ID, isUniqueViolation, ModelEntity, ModelsRepository } from '@app/database';
import { checkModelFile } from '@app/files';
import { CreateModelRequestDto } from './dto/create-model.dto';

import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';

@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);

  constructor(
    private readonly models: ModelsRepository,
    @Inject(pathsConfig.KEY) private readonly paths: ConfigType<typeof pathsConfig>,
    @Inject(hubConfig.KEY) private readonly hub: ConfigType<typeof hubConfig>,
    @Inject(apiConfig.KEY) private readonly api: ConfigType<typeof apiConfig>,
  ) {}

  async create(dto: CreateModelRequestDto, scope: ProjectScope): Promise<ModelEntity> {
    if (dto.backend.path !== undefined && dto.backend.url !== undefined) {
      throw invalidInput('backend: give either path or url, not both');
    }
    const { paramsTotal, architecture } = await this.sizeOf(dto);
    if (dto.paramsActive !== undefined && dto.paramsActive > paramsTotal) {
      throw invalidInput('paramsActive cannot exceed paramsTotal', { paramsActive: dto.paramsActive, paramsTotal });
    }
    const entity = {
      name: dto.name,
      projectId: ownerProject(scope, DEFAULT_PROJECT_ID),
      paramsTotal,
      architecture,
      paramsActive: dto.paramsActive ?? null,
      releaseDate: dto.releaseDate ?? null,
      trainingTokens: dto.trainingTokens ?? null,
      priceInputPerM: dto.priceInputPerM ?? null,
      priceOutputPerM: dto.priceOutputPerM ?? null,
      backend: stripUndefined(dto.backend) as BackendSpec,
    };
    try {
      return await this.models.insert(entity);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new DomainException(ErrorCode.Conflict, `a model named "${dto.name}" already exists`, { name: dto.name });
      }
      throw err;
    }
  }

  /**
   * A GGUF model's file must exist (in the model folders, or on the Hub) and its header gives the parameter count,
   * which a given paramsTotal must match: a typed count is where densities go wrong. Other backends must give it.
   */
  private async sizeOf(dto: CreateModelRequestDto): Promise<{ paramsTotal: number; architecture: string | null }> {
    if (dto.backend.kind !== BackendKind.LlamaCpp) {
      if (dto.paramsTotal === undefined) throw invalidInput(`paramsTotal is required for a model with a ${dto.backend.kind} backend`);
      return { paramsTotal: dto.paramsTotal, architecture: null };
    }
    const check = await checkModelFile(dto.backend, { roots: this.paths.modelRoots, hub: this.hub, policy: this.api.sources });
    if (check.header === null) {
      if (dto.paramsTotal === undefined) {
        throw invalidInput(`paramsTotal is required: the GGUF header of ${check.file} could not be read here (${check.unverified})`);
      }
      this.logger.warn(`model ${dto.name}: ${check.file} not checked at registration (${check.unverified})`);
      return { paramsTotal: dto.paramsTotal, architecture: null };
    }
    const counted = check.header.parameterCount;
    if (dto.paramsTotal !== undefined && dto.paramsTotal !== counted) {
      throw invalidInput(`paramsTotal ${dto.paramsTotal} disagrees with the GGUF header of ${check.file}: ${counted} parameters (omit paramsTotal to use it)`, {
        paramsTotal: dto.paramsTotal,
        header: counted,
      });
    }
    return { paramsTotal: counted, architecture: check.header.architecture };
  }

  /** A model of the scope's project, or a built-in one; another project's is not found. */
  async get(id: string, scope: ProjectScope): Promise<ModelEntity> {
    const m = await this.models.get(id);
    if (!m || !inScope(scope, m.projectId)) throw notFound('model', id);
    return m;
  }

  async list(scope: ProjectScope, limit: number, offset: number, name?: string): Promise<[ModelEntity[], number]> {
    return this.models.list({ projectId: scope.projectId ?? undefined, name, limit, offset });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

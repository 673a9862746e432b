import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { BackendSpec, DomainException, ErrorCode, invalidInput, notFound } from '@app/contracts';
import { ModelEntity } from '@app/database';
import { CreateModelRequestDto } from './dto/create-model.dto';

const PG_UNIQUE_VIOLATION = '23505';

@Injectable()
export class ModelsService {
  constructor(@InjectRepository(ModelEntity) private readonly models: Repository<ModelEntity>) {}

  async create(dto: CreateModelRequestDto): Promise<ModelEntity> {
    if (dto.paramsActive !== undefined && dto.paramsActive > dto.paramsTotal) {
      throw invalidInput('paramsActive cannot exceed paramsTotal', { paramsActive: dto.paramsActive, paramsTotal: dto.paramsTotal });
    }
    if (dto.backend.path !== undefined && dto.backend.url !== undefined) {
      throw invalidInput('backend: give either path or url, not both');
    }
    const entity = this.models.create({
      name: dto.name,
      paramsTotal: dto.paramsTotal,
      paramsActive: dto.paramsActive ?? null,
      releaseDate: dto.releaseDate ?? null,
      trainingTokens: dto.trainingTokens ?? null,
      priceInputPerM: dto.priceInputPerM ?? null,
      priceOutputPerM: dto.priceOutputPerM ?? null,
      backend: stripUndefined(dto.backend) as BackendSpec,
    });
    try {
      return await this.models.save(entity);
    } catch (err) {
      if (err instanceof QueryFailedError && (err as { code?: string }).code === PG_UNIQUE_VIOLATION) {
        throw new DomainException(ErrorCode.Conflict, `a model named "${dto.name}" already exists`, { name: dto.name });
      }
      throw err;
    }
  }

  async get(id: string): Promise<ModelEntity> {
    const m = await this.models.findOneBy({ id });
    if (!m) throw notFound('model', id);
    return m;
  }

  async list(limit: number, offset: number, name?: string): Promise<[ModelEntity[], number]> {
    return this.models.findAndCount({ where: name ? { name } : {}, order: { createdAt: 'DESC' }, take: limit, skip: offset });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

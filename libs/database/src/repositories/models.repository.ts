import { Injectable } from '@nestjs/common';
import { DataSource, FindOptionsWhere, IsNull } from 'typeorm';
import { ModelEntity } from '../entities/model.entity';

/**
 * The models aggregate: registered models, a project's or built in (project null). Every access is a TypeORM entity
 * call (its transformers turn bigint parameter counts into numbers), so it has no statements for the SQL catalog.
 */
@Injectable()
export class ModelsRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts a model; a second one of the same name in the project fails with Postgres' unique violation. */
  insert(model: Omit<ModelEntity, 'id' | 'createdAt'>): Promise<ModelEntity> {
    const repo = this.db.getRepository(ModelEntity);
    return repo.save(repo.create(model));
  }

  get(id: string): Promise<ModelEntity | null> {
    return this.db.getRepository(ModelEntity).findOneBy({ id });
  }

  /**
   * A page of models, newest first, and how many match: all of them (projectId undefined), or a project's and the
   * built-in ones; optionally of one name.
   */
  list(f: { projectId?: string; name?: string; limit: number; offset: number }): Promise<[ModelEntity[], number]> {
    const where: FindOptionsWhere<ModelEntity> = f.name ? { name: f.name } : {};
    const scoped = f.projectId === undefined ? where : [{ ...where, projectId: f.projectId }, { ...where, projectId: IsNull() }];
    return this.db.getRepository(ModelEntity).findAndCount({ where: scoped, order: { createdAt: 'DESC' }, take: f.limit, skip: f.offset });
  }
}

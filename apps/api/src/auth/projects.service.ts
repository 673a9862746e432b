import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { ProjectEntity } from '@app/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ProjectsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A project by name or id. */
  async find(nameOrId: string): Promise<ProjectEntity> {
    const repo = this.db.getRepository(ProjectEntity);
    const p = UUID.test(nameOrId) ? await repo.findOneBy({ id: nameOrId }) : await repo.findOneBy({ name: nameOrId });
    if (!p) throw notFound('project', nameOrId);
    return p;
  }

  async create(name: string): Promise<ProjectEntity> {
    const repo = this.db.getRepository(ProjectEntity);
    const [row]: ProjectEntity[] = await this.db.query(
      `INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id, name, created_at AS "createdAt"`,
      [name],
    );
    if (!row) throw new DomainException(ErrorCode.Conflict, `a project named "${name}" exists`);
    return repo.create(row);
  }

  list(projectId: string | null): Promise<ProjectEntity[]> {
    return this.db.getRepository(ProjectEntity).find({ where: projectId ? { id: projectId } : {}, order: { name: 'ASC' } });
  }
}

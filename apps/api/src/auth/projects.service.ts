import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { ProjectEntity, ProjectsRepository } from '@app/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ProjectsService {
  constructor(private readonly projects: ProjectsRepository) {}

  /** A project by name or id. */
  async find(nameOrId: string): Promise<ProjectEntity> {
    const p = UUID.test(nameOrId) ? await this.projects.findById(nameOrId) : await this.projects.findByName(nameOrId);
    if (!p) throw notFound('project', nameOrId);
    return p;
  }

  async create(name: string): Promise<ProjectEntity> {
    const row = await this.projects.insertIfAbsent(name);
    if (!row) throw new DomainException(ErrorCode.Conflict, `a project named "${name}" exists`);
    return row;
  }

  list(projectId: string | null): Promise<ProjectEntity[]> {
    return this.projects.list(projectId);
  }
}

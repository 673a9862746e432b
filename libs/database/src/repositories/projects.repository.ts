import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectEntity } from '../entities/project.entity';
import { type SqlStatements } from './sql';

const COLUMNS = `id, name, created_at AS "createdAt"`;

export const PROJECTS_SQL = {
  find_by_id: `SELECT ${COLUMNS} FROM projects WHERE id = $1`,
  find_by_name: `SELECT ${COLUMNS} FROM projects WHERE name = $1`,
  // No row back: the name is taken.
  insert_if_absent: `INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
  list_all: `SELECT ${COLUMNS} FROM projects ORDER BY name`,
  list_one: `SELECT ${COLUMNS} FROM projects WHERE id = $1 ORDER BY name`,
} satisfies SqlStatements;

/** The projects table. */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<ProjectEntity | null> {
    const [row] = await this.db.query(PROJECTS_SQL.find_by_id, [id]);
    return row ?? null;
  }

  async findByName(name: string): Promise<ProjectEntity | null> {
    const [row] = await this.db.query(PROJECTS_SQL.find_by_name, [name]);
    return row ?? null;
  }

  /** The new project; null when one of that name exists. */
  async insertIfAbsent(name: string): Promise<ProjectEntity | null> {
    const [row] = await this.db.query(PROJECTS_SQL.insert_if_absent, [name]);
    return row ?? null;
  }

  /** Every project, or only the one given (what a project's own key may see), by name. */
  list(onlyId: string | null): Promise<ProjectEntity[]> {
    return onlyId ? this.db.query(PROJECTS_SQL.list_one, [onlyId]) : this.db.query(PROJECTS_SQL.list_all);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomBenchmarkEntity } from '../entities/custom-benchmark.entity';
import { SqlStatements } from './sql';

export const CUSTOM_BENCHMARKS_SQL = {
  yaml_defining: `SELECT yaml FROM custom_benchmarks WHERE $1 = ANY(defines) LIMIT 1`,
  defined_elsewhere: `SELECT defines FROM custom_benchmarks WHERE project_id <> $1`,
  first_taken_name: `SELECT unnest(defines) AS name FROM custom_benchmarks WHERE project_id <> $1 INTERSECT SELECT unnest($2::text[]) LIMIT 1`,
} satisfies SqlStatements;

/** The custom_benchmarks aggregate: YAML tasks and groups registered through the API, each of one project. */
@Injectable()
export class CustomBenchmarksRepository {
  constructor(private readonly db: DataSource) {}

  /** The stored YAML of the custom task (or group) named `name`, if it was registered through the API. */
  async yamlFor(name: string): Promise<string | null> {
    const rows: Array<{ yaml: string }> = await this.db.query(CUSTOM_BENCHMARKS_SQL.yaml_defining, [name]);
    return rows[0]?.yaml ?? null;
  }

  /** Names of the tasks and groups that other projects than projectId defined. */
  async namesOfOtherProjects(projectId: string): Promise<string[]> {
    const rows: Array<{ defines: string[] }> = await this.db.query(CUSTOM_BENCHMARKS_SQL.defined_elsewhere, [projectId]);
    return rows.flatMap((r) => r.defines);
  }

  /** One of names that another project than projectId defined, if any. */
  async firstTakenName(projectId: string, names: string[]): Promise<string | null> {
    const [taken]: Array<{ name: string }> = await this.db.query(CUSTOM_BENCHMARKS_SQL.first_taken_name, [projectId, names]);
    return taken?.name ?? null;
  }

  /** Stores a YAML task file under its first name, replacing the stored one of that name. */
  async save(b: Pick<CustomBenchmarkEntity, 'name' | 'projectId' | 'yaml' | 'sha256' | 'defines'>): Promise<void> {
    await this.db.getRepository(CustomBenchmarkEntity).save(b);
  }
}

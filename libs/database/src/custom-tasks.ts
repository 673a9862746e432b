import { DataSource, EntityManager } from 'typeorm';

/** The stored YAML of the custom task (or group) named `name`, if it was registered through the API. */
export async function findCustomTaskYaml(db: DataSource | EntityManager, name: string): Promise<string | null> {
  const rows: Array<{ yaml: string }> = await db.query(`SELECT yaml FROM custom_benchmarks WHERE $1 = ANY(defines) LIMIT 1`, [name]);
  return rows[0]?.yaml ?? null;
}

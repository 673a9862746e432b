import { DataSource } from 'typeorm';
import { createApiKey, Role } from '@app/auth';
import { dbConfigFrom, loadEnv, requireDatabaseUrl } from '@app/config';
import { ApiKeysRepository, dataSourceOptions, runMigrations } from '@app/database';

/** The first admin key of a deployment: made in DATABASE_URL's database (migrated first), no API involved. */
export async function createAdminKeyInDatabase(name: string, expiresAt: Date | null): Promise<{ id: string; name: string; key: string }> {
  const url = requireDatabaseUrl(dbConfigFrom(loadEnv()));
  await runMigrations(url);
  const db = await new DataSource(dataSourceOptions(url, 1)).initialize();
  try {
    const { key, plaintext } = await createApiKey(new ApiKeysRepository(db), { name, role: Role.Admin, expiresAt });
    return { id: key.id, name: key.name, key: plaintext };
  } finally {
    await db.destroy();
  }
}

import { Command, InvalidArgumentError } from 'commander';
import { DensebenchClient } from '../api-client';

interface KeyRow {
  id: string;
  name: string;
  role: string;
  projectId: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

const ROLES = ['admin', 'operator', 'member', 'viewer'];
const role = (v: string) => {
  if (!ROLES.includes(v)) throw new InvalidArgumentError(`one of ${ROLES.join(', ')}`);
  return v;
};

export function formatKeys(rows: readonly KeyRow[]): string[] {
  if (rows.length === 0) return ['no API key'];
  return rows.map((k) =>
    [k.id, k.name, k.role, k.projectId ?? '(global)', k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt ? `expires ${k.expiresAt}` : 'no expiry', `last used ${k.lastUsedAt ?? 'never'}`].join('  '),
  );
}

/** `densebench keys create | list | revoke`; `keys create --admin` writes straight to the database (the first key). */
export function keysCommand(apiOpt: (c: Command) => Command): Command {
  const keys = new Command('keys').description('API keys (admins)');

  apiOpt(keys.command('create'))
    .description('create an API key and print it (once). With --admin: an admin key written straight to DATABASE_URL, for the first key of a deployment')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--role <role>', `role: ${ROLES.join(', ')}`, role)
    .option('--project <name|id>', 'project of a member or viewer key')
    .option('--expires <iso-date>', 'expiry, e.g. 2027-01-01')
    .option('--admin', 'an admin key, made in the database directly (needs DATABASE_URL, no API key)')
    .option('--json', 'the key as JSON')
    .action(async (o) => {
      if (o.admin) {
        if (o.role && o.role !== 'admin') throw new InvalidArgumentError('--admin makes an admin key: drop --role');
        const { createAdminKeyInDatabase } = require('./keys-direct') as typeof import('./keys-direct');
        const made = await createAdminKeyInDatabase(o.name, o.expires ? new Date(o.expires) : null);
        console.log(o.json ? JSON.stringify(made, null, 2) : `admin API key "${made.name}" (shown once; send it as "Authorization: Bearer <key>" or set DENSEBENCH_API_KEY):\n${made.key}`);
        return;
      }
      if (!o.role) throw new InvalidArgumentError('--role is required (or --admin for the first admin key)');
      const made = await new DensebenchClient(o.api).post<KeyRow>('/v1/keys', {
        name: o.name,
        role: o.role,
        ...(o.project ? { project: o.project } : {}),
        ...(o.expires ? { expiresAt: new Date(o.expires).toISOString() } : {}),
      });
      console.log(o.json ? JSON.stringify(made, null, 2) : `${o.role} API key "${made.name}" (shown once):\n${made.key}`);
    });

  apiOpt(keys.command('list'))
    .description('list API keys (never their secrets)')
    .option('--json', 'as JSON')
    .action(async (o) => {
      const rows = await new DensebenchClient(o.api).get<KeyRow[]>('/v1/keys');
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatKeys(rows).join('\n'));
    });

  apiOpt(keys.command('revoke <id>'))
    .description('revoke an API key: refused from its next request on')
    .action(async (id: string, o) => {
      const row = await new DensebenchClient(o.api).delete<KeyRow>(`/v1/keys/${encodeURIComponent(id)}`);
      console.log(`revoked ${row.name} (${row.id})`);
    });
  return keys;
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_CATALOG } from './sql-catalog';
import { renderSqlFile } from './render-sql';

/**
 * The checked-in SQL of every repository: a query change shows up as a diff of libs/database/sql/<aggregate>.sql.
 * A missing file is written (and must then be committed); under CI a missing or different file fails. After an
 * intended change: `UPDATE_SQL_SNAPSHOTS=1 npx jest libs/database/src/repositories/sql-catalog.spec.ts`.
 */
const dir = join(__dirname, '..', '..', 'sql');
const update = process.env.UPDATE_SQL_SNAPSHOTS === '1';
const ci = process.env.CI === 'true' || process.env.CI === '1';

describe('repository SQL snapshots', () => {
  const aggregates = Object.keys(SQL_CATALOG);

  it.each(aggregates.length ? aggregates : ['(none yet)'])('%s matches its checked-in .sql file', (aggregate) => {
    if (!(aggregate in SQL_CATALOG)) return;
    const file = join(dir, `${aggregate}.sql`);
    const text = renderSqlFile(aggregate, SQL_CATALOG[aggregate]);
    if (update || (!existsSync(file) && !ci)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
    }
    if (!existsSync(file)) throw new Error(`${file} is missing: run with UPDATE_SQL_SNAPSHOTS=1 and commit it`);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

import { dedent, renderSqlFile } from './render-sql';
import { returningRows } from './sql';

describe('renderSqlFile', () => {
  it('dedents each statement and orders statements by name', () => {
    const text = renderSqlFile('runs', { b: `\n      SELECT 1\n        FROM x\n    `, a: 'SELECT 2' });
    expect(text.split('\n').slice(2).join('\n')).toBe('-- runs.a\nSELECT 2;\n\n-- runs.b\nSELECT 1\n  FROM x;\n');
  });
  it('keeps a one-line statement as it is', () => expect(dedent('  SELECT 1  ')).toBe('SELECT 1'));
});

describe('returningRows', () => {
  const db = (result: unknown) => ({ query: async () => result }) as never;
  it('unwraps the [rows, count] answer of a bare UPDATE … RETURNING', async () => {
    await expect(returningRows(db([[{ id: 'a' }], 1]), 'UPDATE')).resolves.toEqual([{ id: 'a' }]);
  });
  it('passes plain rows through', async () => {
    await expect(returningRows(db([{ id: 'a' }, { id: 'b' }]), 'SELECT')).resolves.toEqual([{ id: 'a' }, { id: 'b' }]);
  });
  it('does not mistake two rows, the second a number-like object, for [rows, count]', async () => {
    await expect(returningRows(db([[1], [2]]), 'SELECT')).resolves.toEqual([[1], [2]]);
  });
});

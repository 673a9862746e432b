import { can, inScope, Permission, Role, scopeSql } from './roles';
import { parseSecret } from './secrets';

describe('roles', () => {
  it('gives each role its permissions', () => {
    const table = Object.values(Role).map((r) => [r, Object.values(Permission).filter((p) => can(r, p))]);
    expect(Object.fromEntries(table)).toEqual({
      admin: ['read', 'write', 'operate', 'metrics', 'admin'],
      operator: ['read', 'operate', 'metrics'],
      member: ['read', 'write'],
      viewer: ['read'],
    });
  });

  it('scopes rows: a project sees its own and built-in rows, global keys everything', () => {
    expect(inScope({ projectId: 'a' }, 'a')).toBe(true);
    expect(inScope({ projectId: 'a' }, null)).toBe(true);
    expect(inScope({ projectId: 'a' }, 'b')).toBe(false);
    expect(inScope({ projectId: null }, 'b')).toBe(true);
    const params: unknown[] = [1];
    expect(scopeSql('r.project_id', { projectId: 'a' }, params)).toBe('(r.project_id = $2 OR r.project_id IS NULL)');
    expect(params).toEqual([1, 'a']);
    expect(scopeSql('r.project_id', { projectId: null }, params)).toBe('TRUE');
  });
});

describe('secrets', () => {
  it('parses its own format only', () => {
    const id = '0123456789abcdef0123456789abcdef';
    const secret = 'A'.repeat(43);
    expect(parseSecret('dbk', `dbk_${id}_${secret}`)).toEqual({ id: '01234567-89ab-cdef-0123-456789abcdef', secret });
    expect(parseSecret('dbe', `dbk_${id}_${secret}`)).toBeNull();
    expect(parseSecret('dbk', `dbk_${id}_${secret}x`)).toBeNull();
    expect(parseSecret('dbk', `dbk_${id.toUpperCase()}_${secret}`)).toBeNull();
    expect(parseSecret('dbk', undefined)).toBeNull();
  });
});

import { RunStatus } from '@app/contracts';
import { buildRunListSql, RUN_COUNT_AHEAD } from './runs.repository';

describe('buildRunListSql', () => {
  it('without filters: no WHERE, the page as $1 and $2', () => {
    const { sql, params } = buildRunListSql({ limit: 20, offset: 40 });
    expect(sql).not.toContain('WHERE');
    expect(sql).toMatch(/LIMIT \$1 OFFSET \$2$/);
    expect(params).toEqual([20, 40]);
  });

  it('numbers the parameters of the filters given, in order, and pages after them', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const { sql, params } = buildRunListSql({ status: RunStatus.Running, benchmark: 'arc_easy', from, limit: 5, offset: 0 });
    expect(sql).toContain('r.status = $1');
    expect(sql).toContain('r.benchmarks @> CAST($2 AS jsonb)');
    expect(sql).toContain('r.created_at >= $3');
    expect(sql).toMatch(/LIMIT \$4 OFFSET \$5$/);
    expect(params).toEqual([RunStatus.Running, JSON.stringify([{ name: 'arc_easy' }]), from, 5, 0]);
  });

  it('matches a model by name only unless the caller says the value may be an id', () => {
    expect(buildRunListSql({ model: { nameOrId: 'x', orId: false }, limit: 1, offset: 0 }).sql).toContain('m.name = $1\n');
    expect(buildRunListSql({ model: { nameOrId: 'x', orId: true }, limit: 1, offset: 0 }).sql).toContain('(m.name = $1 OR m.id = CAST($1 AS uuid))');
  });

  it('counts with the same filters, without the page, up to RUN_COUNT_AHEAD matches past it', () => {
    const { sql, params } = buildRunListSql({ projectId: 'p', pool: 'cpu', limit: 5, offset: 10 }, true);
    expect(sql).toMatch(/^\s*SELECT count\(\*\)::int AS n FROM \(/);
    expect(sql).toContain('r.project_id = $1');
    expect(sql).toContain('r.pool = $2');
    expect(sql).not.toContain('OFFSET');
    expect(sql).toMatch(/LIMIT \$3\) matched$/);
    expect(params).toEqual(['p', 'cpu', 10 + 5 + RUN_COUNT_AHEAD]);
  });
});

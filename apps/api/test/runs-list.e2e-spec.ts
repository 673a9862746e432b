import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RunEntity, RUN_COUNT_AHEAD } from '@app/database';
import { startApi, truncateAll, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';

describe('GET /v1/runs as runs pile up (real Postgres)', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  let modelId: string;
  // More queued runs than one count reaches from the first page, plus a few running ones.
  const queued = RUN_COUNT_AHEAD + 30;
  const running = 5;

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    http = authed(app);
    modelId = (
      await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)
    ).body.id;
    // Rows only (no shards): the list reads runs. Run g is g seconds old, so the newest come first.
    await db.query(
      `INSERT INTO runs (model_id, project_id, status, pool, shard_size, seed, benchmarks, created_at)
       SELECT $1, $2, CASE WHEN g <= $4 THEN 'running' ELSE 'queued' END, 'cpu', 100, 1234, '[{"name":"arc_easy"}]', now() - make_interval(secs => g)
         FROM generate_series(1, $3::int) g`,
      [modelId, DEFAULT_PROJECT_ID, queued + running, running],
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts up to RUN_COUNT_AHEAD runs past the page and says the total is then a lower bound', async () => {
    const first = (await http.get('/v1/runs?status=queued&pool=cpu&limit=20&offset=0').expect(200)).body;
    expect(first).toMatchObject({ total: 20 + RUN_COUNT_AHEAD, totalExact: false, limit: 20, offset: 0 });
    expect(first.items).toHaveLength(20);
    const times = first.items.map((r: { createdAt: string }) => Date.parse(r.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // From offset 100 the count reaches past the last run: exact again.
    const later = (await http.get(`/v1/runs?status=queued&modelId=${modelId}&pool=cpu&limit=20&offset=100`).expect(200)).body;
    expect(later).toMatchObject({ total: queued, totalExact: true });
    expect(later.items).toHaveLength(20);
    const [{ id }] = await db.query(`SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at DESC OFFSET 100 LIMIT 1`);
    expect(later.items[0].id).toBe(id);
  });

  it('counts a filter matching few runs exactly, and an empty one as 0', async () => {
    expect((await http.get('/v1/runs?status=running').expect(200)).body).toMatchObject({ total: running, totalExact: true });
    expect((await http.get('/v1/runs?status=failed').expect(200)).body).toMatchObject({ items: [], total: 0, totalExact: true });
  });

  it('the database holds exactly the indexes RunEntity declares (migrations and entity agree)', async () => {
    const declared = db.getMetadata(RunEntity).indices.map((i) => i.name).sort();
    const rows: Array<{ indexname: string }> = await db.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'runs' AND indexname ~ '^(idx|uq)_'`);
    expect(rows.map((r) => r.indexname).sort()).toEqual(declared);
  });
});

import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '@app/storage';
import { readEvents, runSamples, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

/** What the dashboard reads: live progress as server-sent events, per-sample records, run filters, workers' shards. */
describe('dashboard API: run events, samples, run filters, workers with their shard', () => {
  let app: INestApplication;
  let url: string;
  let key: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;
  let runId: string;
  let modelId: string;
  const views: Array<{ status: string; progress: { done: number; total: number }; benchmarks: Array<{ name: string; done: number; tokens: number }> }> = [];
  const shardsSeen: Array<{ runId: string; benchmark: string; total: number }> = [];
  let ended: unknown = null;

  beforeAll(async () => {
    ({ app, url, db, key } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('dash-worker', url);
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length ? true : undefined), 'the worker to register', 60_000);
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
  });

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('streams a run\'s progress as events, one per change, until an end event; the workers list names the shard running', async () => {
    runId = (await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 24 }], shardSize: 6, pool: 'cpu' }).expect(202)).body.id;
    const res = await readEvents(`${url}/v1/runs/${runId}/events`, (e) => {
      if (e.event === 'end') ended = JSON.parse(e.data);
      if (e.event !== 'run') return;
      views.push(JSON.parse(e.data));
      // While the run is live, the workers list shows what its worker runs (read on each event, not polled).
      void http.get('/v1/workers').then((w) => {
        for (const x of w.body) if (x.currentShard) shardsSeen.push(x.currentShard);
      });
    }, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(ended).toEqual({ status: 'succeeded' });
    const last = views.at(-1)!;
    expect(last.status).toBe('succeeded');
    expect(last.progress).toMatchObject({ done: 24, total: 24 });
    // The first event came at once (queued or just started), then more as shards ran: never backwards.
    expect(views.length).toBeGreaterThanOrEqual(3);
    expect(views[0].progress.done).toBeLessThan(24);
    for (let i = 1; i < views.length; i++) expect(views[i].progress.done).toBeGreaterThanOrEqual(views[i - 1].progress.done);
    expect(new Set(views.map((v) => v.progress.done)).size).toBeGreaterThanOrEqual(2);
    // Tokens per benchmark are those of the samples stored.
    const [{ tokens }] = await db.query('SELECT sum(input_tokens + output_tokens)::float8 AS tokens FROM samples WHERE run_id = $1', [runId]);
    expect(last.benchmarks[0].tokens).toBe(tokens);
    expect(tokens).toBeGreaterThan(0);
    await waitFor(async () => (shardsSeen.length ? true : undefined), 'a workers list read during the run', 5_000);
    expect(shardsSeen.some((s) => s.runId === runId && s.benchmark === 'arc_easy' && s.total === 6)).toBe(true);
    // An ended run's stream sends its view and ends at once; an unknown run is a 404 before any event.
    const again: string[] = [];
    await readEvents(`${url}/v1/runs/${runId}/events`, (e) => again.push(e.event ?? 'message'), { Authorization: `Bearer ${key}` });
    expect(again).toEqual(['run', 'end']);
    expect((await readEvents(`${url}/v1/runs/00000000-0000-4000-8000-000000000000/events`, () => undefined, { Authorization: `Bearer ${key}` })).status).toBe(404);
    // without a key the stream is refused before it starts
    expect((await readEvents(`${url}/v1/runs/${runId}/events`, () => undefined)).status).toBe(401);
  });

  it('pages and searches per-sample records: prompt, target, response and filtered answer as stored in S3', async () => {
    const stored = (await runSamples(http, app.get(ArtifactStore), runId)).get('arc_easy')!;
    const page = (await http.get(`/v1/runs/${runId}/samples?limit=5&offset=5`).expect(200)).body;
    expect(page.total).toBe(24);
    expect(page.items.map((s: { docId: number }) => s.docId)).toEqual([5, 6, 7, 8, 9]);
    const s5 = page.items[0];
    const r5 = stored[5];
    expect(s5.prompt).toBe((r5.arguments[0] as string[])[0]);
    expect(s5.choices).toEqual(r5.arguments.map((a) => (a as string[])[1]));
    expect(s5.target).toBe(s5.choices[r5.target as number]);
    expect(s5.metrics).toEqual(r5.metrics);
    const lls = (r5.resps as number[][][]).map((r) => r[0][0]);
    expect(s5.response).toBe(s5.choices[lls.indexOf(Math.max(...lls))]);
    expect(s5.metrics.acc).toBe(s5.response === s5.target ? 1 : 0);

    // A word of one prompt finds that sample, and every match contains it.
    const word = s5.prompt.split(/\W+/).filter((w: string) => w.length >= 7).sort((a: string, b: string) => b.length - a.length)[0];
    const found = (await http.get(`/v1/runs/${runId}/samples`).query({ q: word.toUpperCase(), benchmark: 'arc_easy' }).expect(200)).body;
    expect(found.items.map((s: { docId: number }) => s.docId)).toContain(5);
    const haystack = (s: Record<string, string>) => [s.prompt, s.target, s.response, s.filtered].join('\n').toLowerCase();
    expect(found.items.every((s: Record<string, string>) => haystack(s).includes(word.toLowerCase()))).toBe(true);
    expect(found.total).toBe(stored.filter((r) => JSON.stringify(r.arguments).toLowerCase().includes(word.toLowerCase())).length);
    expect((await http.get(`/v1/runs/${runId}/samples?q=zzqxj-nothing`).expect(200)).body).toEqual({ items: [], total: 0 });
    expect((await http.get(`/v1/runs/${runId}/samples?limit=0`).expect(400)).body.message).toEqual(expect.arrayContaining([expect.stringContaining('limit')]));
    await http.get('/v1/runs/00000000-0000-4000-8000-000000000000/samples').expect(404);
  });

  it('serves the dashboard\'s build at / beside the API\'s routes', async () => {
    const index = await http.get('/').expect(200);
    expect(index.headers['content-type']).toContain('text/html');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.text)![1];
    const js = await http.get(`/${script}`).expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.text).toContain('/v1/runs/');
    expect((await http.get('/v1/nothing-here').expect(404)).body.statusCode).toBe(404);
    await http.get('/health/live').expect(200);
  });

  it('filters runs by status, model, pool, benchmark and date', async () => {
    const ids = async (query: string) => (await http.get(`/v1/runs?${query}`).expect(200)).body.items.map((r: { id: string }) => r.id);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids('status=succeeded&model=stories260K&pool=cpu&benchmark=arc_easy')).toEqual([runId]);
    expect(await ids(`model=${modelId}&from=${today}&to=${today}`)).toEqual([runId]);
    expect(await ids('benchmark=hellaswag')).toEqual([]);
    expect(await ids('model=no-such-model')).toEqual([]);
    expect(await ids('status=running')).toEqual([]);
    expect(await ids('to=2020-01-01')).toEqual([]);
    const list = (await http.get('/v1/runs?benchmark=arc_easy').expect(200)).body;
    expect(list.items[0]).toMatchObject({ id: runId, modelName: 'stories260K', benchmarks: ['arc_easy'] });
    await http.get('/v1/runs?from=yesterday').expect(400);
    await http.get('/v1/runs?status=bogus').expect(400);
  });
});

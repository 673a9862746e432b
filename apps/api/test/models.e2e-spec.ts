import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { kitDir } from '@app/config';
import { MODELS_DIR, startApi, truncateAll, authed } from '@app/testing';
import { FakeHub } from '../../../libs/files/src/testing/fake-hub';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

const COMMIT = 'a'.repeat(40);

describe('registering a model: its file checked and its size read from the GGUF header', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  let hub: FakeHub;

  beforeAll(async () => {
    hub = await FakeHub.start({ lfsFrom: 1024 });
    hub.addRepo({ id: 'karpathy/tinyllamas', refs: { main: COMMIT }, commits: { [COMMIT]: { 'stories260K.gguf': readFileSync(join(kitDir(), 'models', 'stories260K.gguf')), 'README.md': 'not a model' } } });
    ({ app, db } = await startApi(AppModule, apiBootstrap, { HF_ENDPOINT: hub.endpoint }));
    await truncateAll(db);
    http = authed(app);
  });

  afterAll(async () => {
    if (db) await truncateAll(db);
    await app?.close();
    await hub?.stop();
  });

  it('reads the parameter count and architecture of a file in the model folders', async () => {
    const m = await http.post('/v1/models').send({ name: 'stories', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    expect(m.body).toMatchObject({ paramsTotal: 292800, paramsActive: 292800, architecture: 'llama' });
    const tiny = await http.post('/v1/models').send({ name: 'tiny', backend: { kind: 'llama-cpp', path: 'random_weights/llama-2-tiny-random.gguf' } }).expect(201);
    expect(tiny.body).toMatchObject({ paramsTotal: 513048, architecture: 'llama' });
    // an absolute path stands for itself
    await http.post('/v1/models').send({ name: 'absolute', backend: { kind: 'llama-cpp', path: join(MODELS_DIR, 'stories260K.gguf') } }).expect(201);
  });

  it('refuses a count that disagrees with the header, and a file that is not there, with nothing written', async () => {
    const wrong = await http.post('/v1/models').send({ name: 'guessed', paramsTotal: 260000, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(400);
    expect(wrong.body.message).toBe('paramsTotal 260000 disagrees with the GGUF header of ' + join(MODELS_DIR, 'stories260K.gguf') + ': 292800 parameters (omit paramsTotal to use it)');
    const missing = await http.post('/v1/models').send({ name: 'missing', backend: { kind: 'llama-cpp', path: 'no-such.gguf' } }).expect(422);
    expect(missing.body.message).toMatch(/^model file no-such\.gguf was not found in .+\. Provide it either way: put the file in DENSEBENCH_MODELS_DIR/);
    const notGguf = await http.post('/v1/models').send({ name: 'readme', backend: { kind: 'llama-cpp', url: 'hf://karpathy/tinyllamas/README.md' } }).expect(400);
    expect(notGguf.body.message).toContain('is not a readable GGUF file');
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM models WHERE name IN ('guessed', 'missing', 'readme')`);
    expect(count).toBe(0);
  });

  it('reads the header of an hf:// model through the Hub (range requests on its CDN); refuses one the Hub lacks', async () => {
    const before = hub.requests.length;
    const m = await http.post('/v1/models').send({ name: 'from-hub', backend: { kind: 'llama-cpp', url: 'hf://karpathy/tinyllamas/stories260K.gguf' } }).expect(201);
    expect(m.body).toMatchObject({ paramsTotal: 292800, architecture: 'llama' });
    const cdn = hub.requests.slice(before).filter((r) => r.server === 'cdn');
    expect(cdn.length).toBeGreaterThan(0);
    const lacking = await http.post('/v1/models').send({ name: 'lacking', backend: { kind: 'llama-cpp', url: 'hf://karpathy/tinyllamas/stories15M.gguf' } }).expect(422);
    expect(lacking.body.message).toMatch(/^model file hf:\/\/karpathy\/tinyllamas\/stories15M\.gguf was not found and could not be downloaded: /);
  });

  it('requires a count for other backends, and refuses runs of a model with published numbers only', async () => {
    await http.post('/v1/models').send({ name: 'remote', backend: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'x' } }).expect(400);
    const imported = await http.post('/v1/models').send({ name: 'published', paramsTotal: 7e9, backend: { kind: 'imported' } }).expect(201);
    const run = await http.post('/v1/runs').send({ modelId: imported.body.id, benchmarks: [{ name: 'arc_easy', limit: 2 }] }).expect(400);
    expect(run.body.message).toContain('has no backend that can run');
  });
});

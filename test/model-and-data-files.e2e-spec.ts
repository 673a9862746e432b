import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { kitDir, pathsConfigFrom, validateEnv } from '@app/config';
import { missingFileMessage } from '@app/files';
import { runEnded, serviceEnv, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { FakeHub, sha256Hex } from '../libs/files/src/testing/fake-hub';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const COMMIT = 'f'.repeat(40);
const POOL = 'files';

describe('the files a run needs, as a worker finds them: an hf:// model downloaded from the Hub, a data file it lacks', () => {
  let app: INestApplication;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let hub: FakeHub;
  let worker: WorkerProcess;
  // The API has a data file that the worker's folders lack (as when they run on different machines).
  const apiData = mkdtempSync(join(tmpdir(), 'api-data-'));
  const workerEnv = {
    DENSEBENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'worker-data-')),
    DENSEBENCH_HOME: mkdtempSync(join(tmpdir(), 'worker-home-')),
    HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'worker-hf-')),
    WORKER_POOLS: POOL,
  };
  const gguf = readFileSync(join(kitDir(), 'models', 'stories260K.gguf'));

  beforeAll(async () => {
    hub = await FakeHub.start();
    hub.addRepo({ id: 'karpathy/tinyllamas', refs: { main: COMMIT }, commits: { [COMMIT]: { 'stories260K.gguf': gguf } } });
    const api = await startApi(AppModule, apiBootstrap, { DENSEBENCH_DATA_DIR: apiData });
    app = api.app;
    await truncateAll(api.db);
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('worker-files', api.url, { ...workerEnv, HF_ENDPOINT: hub.endpoint });
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register', 60_000);
  });

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
    await hub?.stop();
  });

  it('downloads an hf:// model on first use (HF_ENDPOINT, sha256 checked), logging a few progress lines, and scores with it', async () => {
    const model = await http
      .post('/v1/models')
      .send({ name: 'stories260K-hub', paramsTotal: 292800, backend: { kind: 'llama-cpp', url: 'hf://karpathy/tinyllamas/stories260K.gguf', sha256: sha256Hex(gguf) } })
      .expect(201);
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'arc_easy', limit: 4 }], shardSize: 2, pool: POOL }).expect(202);
    const run = await runEnded(http, sub.body.id, 120_000);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const lines = worker.output.split('\n').filter((l) => l.includes('hf://karpathy/tinyllamas/stories260K.gguf'));
    expect(lines.some((l) => l.includes('downloading hf://karpathy/tinyllamas/stories260K.gguf (1.1 MB)'))).toBe(true);
    expect(lines.some((l) => /downloaded hf:\/\/karpathy\/tinyllamas\/stories260K\.gguf: 1\.1 MB in/.test(l))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(1);
  });

  it("fails a run whose data file the worker cannot find, the run's error carrying the one message", async () => {
    mkdirSync(join(apiData, 'e2e'), { recursive: true });
    writeFileSync(join(apiData, 'e2e', 'qa.jsonl'), ['{"q":"2+2?","choices":["3","4"],"gold":1}', '{"q":"Capital of France?","choices":["Paris","Rome"],"gold":0}'].join('\n'));
    const yaml = [
      'task: files_qa',
      'dataset_path: json',
      'dataset_kwargs: {data_files: {test: e2e/qa.jsonl}}',
      'test_split: test',
      'output_type: multiple_choice',
      'doc_to_text: "Q: {{q}}\\nA:"',
      'doc_to_choice: "{{choices}}"',
      'doc_to_target: gold',
      'metric_list:',
      '  - metric: acc',
    ].join('\n');
    await http.post('/v1/benchmarks?replace=true').set('content-type', 'application/yaml').send(yaml).expect(201);
    const model = await http.post('/v1/models').send({ name: 'stories260K-files', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'files_qa' }], pool: POOL }).expect(202);
    const run = await runEnded(http, sub.body.id, 120_000);
    expect(run.status).toBe('failed');
    const roots = pathsConfigFrom(validateEnv({ ...serviceEnv(), ...workerEnv })).dataRoots;
    expect(roots[0]).toBe(workerEnv.DENSEBENCH_DATA_DIR);
    expect(run.error).toContain(missingFileMessage('data', 'e2e/qa.jsonl', roots));
  });
});

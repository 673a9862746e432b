import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SampleRecord } from '@app/contracts';
import { ArtifactStore } from '@app/storage';
import { runSamples, startApi, startResults, submitAndWait, truncateAll, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

// A user reads a built-in task's YAML from the API, registers it under another name, and runs both
// on a real model: the per-sample records must be the same (prompts, responses, scores).
const COPIED: Array<[string, number]> = [
  ['arc_challenge', 6], // includes arc_easy.yaml
  ['mmlu_anatomy', 2], // includes the MMLU template, 5-shot
  ['gsm8k', 1], // generation, 5-shot seeded draws, two filters
];

const comparable = (r: SampleRecord) => ({
  doc_id: r.doc_id,
  doc_hash: r.doc_hash,
  prompt_hash: r.prompt_hash,
  target_hash: r.target_hash,
  arguments: r.arguments,
  resps: r.resps,
  filtered_resps: r.filtered_resps,
  metrics: r.metrics,
  loss: r.loss,
});

describe('a copy of a built-in task registered through the API scores like the original', () => {
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;

  beforeAll(async () => {
    let url: string;
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await db.query('TRUNCATE custom_benchmarks');
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('worker-yaml-copy', url);
  });

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('GET /v1/benchmarks/:name returns the YAML file; the renamed copy is accepted and gives the same samples on stories260K', async () => {
    for (const [name] of COPIED) {
      const yaml = (await http.get(`/v1/benchmarks/${name}`).set('accept', 'application/yaml').expect(200).expect('content-type', /yaml/)).text;
      expect(yaml).toMatch(new RegExp(`^task: ${name}$`, 'm'));
      const json = (await http.get(`/v1/benchmarks/${name}`).expect(200)).body;
      expect(json).toMatchObject({ name, source: 'builtin', yaml });
      const copy = yaml.replace(new RegExp(`^task: ${name}$`, 'm'), `task: copy_of_${name}`);
      expect((await http.post('/v1/benchmarks').set('content-type', 'application/yaml').send(copy).expect(201)).body.tasks).toEqual([`copy_of_${name}`]);
      expect((await http.get(`/v1/benchmarks/copy_of_${name}?format=yaml`).expect(200)).text).toBe(copy);
    }
    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const benchmarks = COPIED.flatMap(([name, limit]) => [{ name, limit }, { name: `copy_of_${name}`, limit }]);
    const run = await submitAndWait(http, { modelId: model.body.id, benchmarks, shardSize: 4 });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const samples = await runSamples(http, app.get(ArtifactStore), run.id);
    for (const [name, limit] of COPIED) {
      const original = samples.get(name)!;
      expect(original).toHaveLength(limit);
      expect(samples.get(`copy_of_${name}`)!.map(comparable)).toEqual(original.map(comparable));
      const metrics = (n: string) => run.benchmarks.find((b: { name: string }) => b.name === n).metrics;
      expect(metrics(`copy_of_${name}`)).toEqual(metrics(name));
    }
  });
});

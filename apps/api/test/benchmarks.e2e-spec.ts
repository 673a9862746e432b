import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, truncateAll, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

const dir = mkdtempSync(join(tmpdir(), 'densebench-yaml-'));
const data = join(dir, 'qa.jsonl');
writeFileSync(data, ['{"q":"What is 2+2?","choices":["3","4"],"gold":1}', '{"q":"Capital of France?","choices":["Paris","Rome"],"gold":0}'].join('\n'));

const yaml = (extra = '') => `task: my_qa
dataset_path: json
dataset_kwargs: {data_files: {test: ${data}}}
test_split: test
output_type: multiple_choice
doc_to_text: "Q: {{q}}\\nA:"
doc_to_choice: "{{choices}}"
doc_to_target: gold
metric_list:
  - metric: acc
${extra}`;

describe('benchmarks: the built-in suite and YAML tasks registered through the API', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await db.query('TRUNCATE custom_benchmarks');
    http = authed(app);
  });
  afterAll(() => app?.close());

  const post = (body: string) => http.post('/v1/benchmarks').set('content-type', 'application/yaml').send(body);

  it('lists the built-in tasks and groups with their settings', async () => {
    const res = await http.get('/v1/benchmarks').expect(200);
    const names = res.body.tasks.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['arc_easy', 'hellaswag', 'gsm8k', 'humaneval', 'mbpp', 'truthfulqa_mc2', 'mmlu_anatomy']));
    const gsm8k = res.body.tasks.find((t: { name: string }) => t.name === 'gsm8k');
    expect(gsm8k).toMatchObject({ outputType: 'generate_until', fewshot: { default: 5, seed: 1234 } });
    expect(gsm8k.hash).toMatch(/^[0-9a-f]{64}$/);
    const mmlu = res.body.groups.find((g: { name: string }) => g.name === 'mmlu');
    expect(mmlu.leafTasks).toHaveLength(57);
    expect((await http.get('/v1/benchmarks/arc_easy').expect(200)).body.name).toBe('arc_easy');
    await http.get('/v1/benchmarks/no_such_task').expect(404);
  });

  it('registers a YAML task, stores it, and a run on it plans its shards', async () => {
    const res = await post(yaml()).expect(201);
    expect(res.body).toEqual({ tasks: ['my_qa'], groups: [] });
    const [row] = await db.query('SELECT name, defines FROM custom_benchmarks');
    expect(row).toEqual({ name: 'my_qa', defines: ['my_qa'] });
    expect((await http.get('/v1/benchmarks/my_qa').expect(200)).body).toMatchObject({ source: 'yaml', outputType: 'multiple_choice' });
    const model = await http.post('/v1/models').send({ name: 'm', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const run = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'my_qa' }] }).expect(202);
    expect(run.body).toMatchObject({ shards: 1, samples: 2 });
    expect((await post(yaml()).expect(409)).body.message).toContain("my_qa");
    await http.post('/v1/benchmarks?replace=true').set('content-type', 'application/yaml').send(yaml()).expect(201);
  });

  it('refuses malformed YAML, unknown fields, template errors and missing data with the task, field and line', async () => {
    const malformed = await post('task: broken\ndoc_to_text: [unclosed\n').expect(400);
    expect(malformed.body.message).toMatch(/task "broken".*malformed YAML at line \d+/);
    const unknown = await post(yaml('doc_to_targt: gold\n').replace('task: my_qa', 'task: other_qa')).expect(400);
    expect(unknown.body.message).toContain('task "other_qa", field "doc_to_targt"');
    expect(unknown.body.message).toContain('did you mean "doc_to_target"');
    const template = await post(yaml().replace('task: my_qa', 'task: t_qa').replace('{{q}}', '{{q}')).expect(400);
    expect(template.body.message).toMatch(/task "t_qa", field "doc_to_text".*template syntax error/);
    const missing = await post(yaml().replace('task: my_qa', 'task: m_qa').replace(data, join(dir, 'nope.jsonl'))).expect((r) => expect(r.status).toBeGreaterThanOrEqual(400));
    expect(missing.body.message).toContain('nope.jsonl');
    await http.post('/v1/benchmarks').send({ yaml: 'x' }).expect(400);
    const rows = await db.query('SELECT name FROM custom_benchmarks ORDER BY name');
    expect(rows).toEqual([{ name: 'my_qa' }]);
  });

  it('refuses runs for models that carry published scores only', async () => {
    const [imported] = await db.query(
      `INSERT INTO models (name, params_total, backend) VALUES ('published-only', 1000, '{"kind":"imported"}') RETURNING id`,
    );
    const res = await http.post('/v1/runs').send({ modelId: imported.id, benchmarks: [{ name: 'arc_easy', limit: 2 }] }).expect(400);
    expect(res.body.message).toContain('no backend that can run');
  });

  it('applies a limit on a group per subtask by default, to the whole group with limitPer "group", and says so in the run', async () => {
    const model = await http.post('/v1/models').send({ name: 'limits', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const per = await http.post('/v1/runs').send({ modelId: model.body.id, pool: 'idle', benchmarks: [{ name: 'mmlu', limit: 2 }] }).expect(202);
    expect(per.body.samples).toBe(114);
    const whole = await http.post('/v1/runs').send({ modelId: model.body.id, pool: 'idle', benchmarks: [{ name: 'mmlu', limit: 20, limitPer: 'group' }] }).expect(202);
    expect(whole.body.samples).toBe(20);
    const view = (await http.get(`/v1/runs/${whole.body.id}`).expect(200)).body;
    expect(view.benchmarks.find((b: { name: string }) => b.name === 'mmlu')).toMatchObject({ isGroup: true, total: 20 });
    const bad = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'mmlu', limit: 2, limitPer: 'subject' }] }).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('limitPer must be one of the following values: task, group');
  });
});

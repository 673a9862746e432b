import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { processesUnder, REPO_ROOT, runProcess, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const BIN = join(REPO_ROOT, 'bin', 'densebench.js');

/** The built CLI as a user runs it: its own process, a home of its own, the API found by DENSEBENCH_API_URL or its config. */
describe('the densebench CLI, as processes against a running stack', () => {
  let app: INestApplication;
  let results: INestApplicationContext;
  let url: string;
  let key: string;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;
  const home = mkdtempSync(join(tmpdir(), 'cli-home-'));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runProcess(process.execPath, [BIN, ...args], REPO_ROOT, { PATH: process.env.PATH, HOME: home, DENSEBENCH_HOME: join(home, '.densebench'), DENSEBENCH_API_KEY: key, ...env });

  beforeAll(async () => {
    const api = await startApi(AppModule, apiBootstrap);
    ({ app, url, key } = api);
    await truncateAll(api.db);
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('cli-worker', url);
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register');
  });

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('answers --version and --help without loading the services', async () => {
    const version = await cli(['--version']);
    expect(version).toEqual({ code: 0, output: `${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}\n` });
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/Commands:[\s\S]*models[\s\S]*references/);
  });

  it('registers a model from its file (size from the GGUF header) and refuses a wrong count, with DENSEBENCH_API_URL', async () => {
    const env = { DENSEBENCH_API_URL: url };
    const added = await cli(['models', 'add', 'stories260K.gguf', '--json'], env);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.output)).toMatchObject({ name: 'stories260K', paramsTotal: 292800, architecture: 'llama' });
    const wrong = await cli(['models', 'add', 'stories260K.gguf', '--name', 'guessed', '--params', '260000'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('paramsTotal 260000 disagrees with the GGUF header');
    const missing = await cli(['models', 'add', 'nope.gguf'], env);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/densebench: POST \/v1\/models failed \(422\): model file nope\.gguf was not found/);
    const list = await cli(['models', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.output).toMatch(/^stories260K +293K +llama +stories260K\.gguf +[0-9a-f-]{36}$/m);
  });

  it('submits by model name and follows the run (exit 0), prints JSON results, and exits 1 when a run does not succeed — the API from the config `up` writes', async () => {
    mkdirSync(join(home, '.densebench'), { recursive: true });
    writeFileSync(join(home, '.densebench', 'config.json'), JSON.stringify({ apiUrl: url }));
    const submitted = await cli(['submit', '--model', 'stories260K', '--benchmark', 'arc_easy:4', '--shard-size', '2', '--watch']);
    expect(submitted.code).toBe(0);
    const runId = /^run ([0-9a-f-]{36}): 4 samples in 2 shards$/m.exec(submitted.output)![1];
    expect(submitted.output).toContain(`run ${runId} (stories260K): succeeded`);
    const json = await cli(['results', runId, '--json']);
    expect(JSON.parse(json.output)).toMatchObject({ id: runId, status: 'succeeded', modelName: 'stories260K' });

    const other = await http.post('/v1/runs').send({ modelId: JSON.parse(json.output).modelId, benchmarks: [{ name: 'arc_easy', limit: 400 }], shardSize: 400 }).expect(202);
    await http.post(`/v1/runs/${other.body.id}/cancel`).expect(200);
    const watched = await cli(['watch', other.body.id]);
    expect(watched.code).toBe(1);
    expect(watched.output).toContain(`run ${other.body.id} (stories260K): cancelled`);

    const unknown = await cli(['submit', '--model', 'no-such-model', '--benchmark', 'arc_easy']);
    expect(unknown).toMatchObject({ code: 1, output: expect.stringContaining('no model named "no-such-model"') });
    const unreachable = await cli(['results', runId, '--api', 'http://127.0.0.1:9']);
    expect(unreachable).toMatchObject({ code: 1, output: expect.stringContaining('cannot reach the densebench API at http://127.0.0.1:9') });
  });

  it('`up` records its API for the client commands, and Ctrl-C stops every process it started', async () => {
    const upHome = join(home, 'up');
    const child = spawn(process.execPath, [BIN, 'up', '--quiet'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: home, DENSEBENCH_HOME: upHome, API_PORT: '0', DENSEBENCH_BUILTIN_REFERENCES: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(async () => (/densebench is up: API (http:\/\/\S+)/.exec(output) ? true : undefined), 'densebench up to start', 120_000, 200);
    const apiUrl = /densebench is up: API (http:\/\/\S+)/.exec(output)![1];
    expect(apiUrl).not.toBe('http://127.0.0.1:3000'); // API_PORT=0: a free port
    const config = join(upHome, 'config.json');
    // its admin key: printed once, recorded for the client commands, which work with it and without it fail clearly
    const recorded = JSON.parse(readFileSync(config, 'utf8'));
    expect(recorded).toEqual({ apiUrl, apiKey: expect.stringMatching(/^dbk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/) });
    expect(output).toContain(`admin API key (shown once`);
    expect(output.split(recorded.apiKey).length).toBe(2);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const listed = await cli(['models', 'list'], { DENSEBENCH_HOME: upHome, DENSEBENCH_API_KEY: '' });
    expect(listed.code).toBe(0);
    const wrongKey = await cli(['models', 'list'], { DENSEBENCH_HOME: upHome, DENSEBENCH_API_KEY: `dbk_${'0'.repeat(32)}_${'x'.repeat(43)}` });
    expect(wrongKey).toMatchObject({ code: 1, output: expect.stringContaining('(401): invalid API key (set DENSEBENCH_API_KEY') });
    child.kill('SIGINT');
    expect(await exited).toBe(130); // 128 + SIGINT, as shells report an interrupted command, once everything stopped
    expect(output).not.toMatch(/ERROR|the database system is shutting down/);
    expect(processesUnder(upHome)).toEqual([]);
    // The services' logs: a file each, no colour codes, no Node-version notice from every service
    const api = readFileSync(join(upHome, 'logs', 'api.log'), 'utf8');
    expect(api).toContain('Nest application successfully started');
    expect(api).not.toMatch(/\u001b\[/);
    expect(api).not.toContain('NodeVersionSupportWarning');
    // no secret in any log line: the admin key, the enrollment token, the workers' credentials
    const enrollment = /enrollment token (\S+)/.exec(output)![1];
    const logs = readdirSync(join(upHome, 'logs')).map((f) => readFileSync(join(upHome, 'logs', f), 'utf8')).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [recorded.apiKey, enrollment, recorded.apiKey.split('_')[2]]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/dbk_[0-9a-f]{32}_|dbe_[0-9a-f]{32}_|Bearer [0-9a-f-]{36}\./);
  });
});

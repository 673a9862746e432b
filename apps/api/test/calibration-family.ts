import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { ResultsModule } from '../../results/src/results.module';

/*
 * Reference families for the calibration e2e tests: members whose numbers are given (exact points of known curves,
 * Eq. 2 and Eq. 3, as in density-fit.e2e-spec.ts; never run) beside members that are GGUF models a worker runs.
 */
const LOSS = { a: 40, alpha: 0.3, b: 300, beta: 0.3 };
const PERF = { c: 0.7, gamma: -8, l: 0.5, d: 0.25 };
export const curveLoss = (n: number, t: number): number => LOSS.a * n ** -LOSS.alpha + LOSS.b * t ** -LOSS.beta;
export const curveScore = (loss: number): number => PERF.c / (1 + Math.exp(-PERF.gamma * (loss - PERF.l))) + PERF.d;

/** The small GGUF models of ../shared/models, by path in the models folder. */
export const GGUF = { stories: 'stories260K.gguf', tinyRandom: 'random_weights/llama-2-tiny-random.gguf' };
/** Their parameter counts as their GGUF headers give them (registration refuses any other). */
export const GGUF_PARAMS = { stories: 292_800, tinyRandom: 513_048 };

export interface MemberSpec {
  name: string;
  params: number;
  tokens: number;
  /** A model file a worker runs (params must be its header's count); without it the member's numbers are given (from the curves, or `given`). */
  path?: string;
  given?: { loss: number; score: number };
}

export type CalibrationBody = Record<string, any>;

export class CalibrationFamilies {
  constructor(private readonly http: ReturnType<typeof request>) {}

  /** Registers the members' models and creates the family (arc_easy fitted in acc); returns its id. */
  async create(name: string, members: MemberSpec[]): Promise<string> {
    const rows = [];
    for (const m of members) {
      // Members whose numbers are given never run: they are registered with published numbers only.
      const backend = m.path ? { kind: 'llama-cpp', path: m.path } : { kind: 'imported' };
      const model = await this.http.post('/v1/models').send({ name: m.name, paramsTotal: m.params, trainingTokens: m.tokens, backend }).expect(201);
      const loss = m.given?.loss ?? curveLoss(m.params, m.tokens);
      const measurements = m.path ? {} : { arc_easy: { loss, score: m.given?.score ?? curveScore(loss) } };
      rows.push({ modelId: model.body.id, measurements });
    }
    const ref = await this.http.post('/v1/density/references').send({ name, metrics: { arc_easy: 'acc' }, atRunEnd: false, members: rows }).expect(201);
    return ref.body.id;
  }

  calibrate(referenceId: string, body: CalibrationBody, idempotencyKey?: string): request.Test {
    const req = this.http.post(`/v1/density/references/${referenceId}/calibrate`);
    return (idempotencyKey ? req.set('Idempotency-Key', idempotencyKey) : req).send(body);
  }

  /** Follows GET /v1/density/calibrations/:id until it succeeds or fails; also returns every status it was seen in. */
  async untilEnded(id: string, timeoutMs = 240_000): Promise<{ body: CalibrationBody; seen: string[] }> {
    const seen: string[] = [];
    const body = await waitFor(
      async () => {
        const res = await this.http.get(`/v1/density/calibrations/${id}`).expect(200);
        if (seen[seen.length - 1] !== res.body.status) seen.push(res.body.status);
        return ['succeeded', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      `calibration ${id} to end`,
      timeoutMs,
      200,
    );
    return { body, seen };
  }

  async versions(referenceId: string): Promise<Array<Record<string, any>>> {
    return (await this.http.get(`/v1/density/references/${referenceId}`).expect(200)).body.versions;
  }
}

/** Given members along the known curves, larger than the GGUF members (N from 10M, D from 2B tokens). */
export function givenMembers(prefix: string, count: number): MemberSpec[] {
  const grid: Array<[number, number]> = [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]];
  return grid.slice(0, count).map(([params, tokens], i) => ({ name: `${prefix}-given-${i}`, params, tokens }));
}

/** The API and the results service in this process, one real worker process, emptied tables; restartable results. */
export class CalibrationStack {
  app!: INestApplication;
  url!: string;
  key!: string;
  db!: DataSource;
  http!: ReturnType<typeof request>;
  families!: CalibrationFamilies;
  results?: INestApplicationContext;
  private worker?: WorkerProcess;

  async start(workerName: string): Promise<void> {
    ({ app: this.app, url: this.url, db: this.db, key: this.key } = await startApi(AppModule, apiBootstrap));
    await truncateAll(this.db);
    await this.truncateDensity();
    await this.startResults();
    this.http = authed(this.app);
    this.families = new CalibrationFamilies(this.http);
    this.worker = new WorkerProcess(workerName, this.url);
    await waitFor(async () => ((await this.http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register');
  }

  async startResults(): Promise<void> {
    this.results = await startResults(ResultsModule);
  }

  async stopResults(): Promise<void> {
    await this.results?.close();
    this.results = undefined;
  }

  async count(table: string): Promise<number> {
    return (await this.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
    if (this.db) await this.truncateDensity();
    await this.stopResults();
    await this.app?.close();
  }

  private truncateDensity(): Promise<unknown> {
    return this.db.query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');
  }
}

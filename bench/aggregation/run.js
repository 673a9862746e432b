#!/usr/bin/env node
'use strict';
/*
 * Aggregation: the run summary and leaderboard queries the services run, over a scratch database of
 * --runs runs × 8 benchmarks × --docs samples (10,000,000 sample rows by default), bulk-generated with
 * generate_series (metrics jsonb {"acc":0|1,"acc_norm":0|1}, shards of 100, densities and efficiency rows).
 *
 *   npm run build:ts && node bench/aggregation/run.js [--runs 1250] [--docs 1000] [--iters 100] [--keep]
 *
 * Each query runs --iters times on random runs/models, the queries interleaved; p50 and p99 in ms are
 * printed (target p50 < 50 ms). Each case calls the repository method its label names, as the services do.
 * --keep keeps the database (densebench_bench_aggregation) for the next invocation, which then skips the generation.
 */
const { arg, flag, header, dist, percentile, fmt, DATA_DIR } = require('../lib/common');
const { scratchDatabase, dropDatabase } = require('../lib/stack');

const runs = arg('runs', 1250);
const docs = arg('docs', 1000);
const iters = arg('iters', 100);
const keep = flag('keep');
const DB = 'densebench_bench_aggregation';
const BENCHMARKS = ['arc_easy', 'arc_challenge', 'hellaswag', 'mmlu_abstract_algebra', 'mmlu_anatomy', 'mmlu_astronomy', 'mmlu_business_ethics', 'truthfulqa_mc1'];
const RUNS_PER_MODEL = 5;

async function generate(q) {
  const models = Math.ceil(runs / RUNS_PER_MODEL);
  const step = async (what, sql, params = []) => {
    const t = performance.now();
    await q(sql, params);
    console.log(`  ${what}: ${fmt((performance.now() - t) / 1000, 1)} s`);
  };
  await step('models', `INSERT INTO models (name, params_total, release_date, backend)
    SELECT 'model-' || i, i::bigint * 10000000, date '2023-01-01' + i, '{"kind":"replay"}' FROM generate_series(1, $1) i`, [models]);
  await step('runs', `INSERT INTO runs (model_id, status, pool, shard_size, seed, benchmarks, started_at, finished_at)
    SELECT m.id, 'succeeded', 'cpu', 100, 1234, '[]', now() - interval '2 hours', now() - (k || ' minutes')::interval
      FROM models m, generate_series(1, $1) k ORDER BY 1, k LIMIT $2`, [RUNS_PER_MODEL, runs]);
  await step('run_benchmarks', `INSERT INTO run_benchmarks (run_id, name, total_samples, done_samples, metrics)
    SELECT r.id, b, $2, $2, '{"acc,none":{"value":0.5,"stderr":0.01,"n":1000},"acc_norm,none":{"value":0.6,"stderr":0.01,"n":1000}}'
      FROM runs r, unnest($1::text[]) b`, [BENCHMARKS, docs]);
  await step('shards', `INSERT INTO shards (run_id, run_benchmark_id, benchmark, shard_index, doc_start, doc_end, status, done_samples, artifact_key, finished_at, ingested_at)
    SELECT rb.run_id, rb.id, rb.name, s, s * 100, least(s * 100 + 100, $1), 'done', least(100, $1 - s * 100), 'runs/' || rb.run_id || '/' || rb.name || '/' || s, now(), now()
      FROM run_benchmarks rb, generate_series(0, ($1 - 1) / 100) s`, [docs]);
  await step(`samples (${fmt(runs * BENCHMARKS.length * docs)})`, `INSERT INTO samples (run_id, benchmark, doc_id, shard_id, metrics, input_tokens, output_tokens, latency_ms, loss_nll, loss_tokens, loss_bytes)
    SELECT sh.run_id, sh.benchmark, d, sh.id, jsonb_build_object('acc', (random() < 0.5)::int, 'acc_norm', (random() < 0.6)::int),
           80 + (random() * 80)::int, 1, 5 + random() * 20, random() * 30, 5 + (random() * 10)::int, 20 + (random() * 40)::int
      FROM shards sh, generate_series(sh.doc_start, sh.doc_end - 1) d ORDER BY sh.run_id, sh.benchmark, d`);
  await step('density fit, densities, efficiency', `
    WITH ref AS (INSERT INTO density_references (name, d0_tokens, is_default) VALUES ('bench', 5e12, true) RETURNING id),
         ver AS (INSERT INTO density_fit_versions (reference_id, version, d0_tokens, metrics, calibration, data_points, quality, library)
                 SELECT id, 1, 5e12, '{}', '{}', '[]', '{}', '{}' FROM ref RETURNING id, reference_id),
         subj AS (SELECT 'model' AS kind, m.id AS subject_id, m.id AS model_id, NULL::uuid AS run_id, m.params_total::float8 AS params FROM models m
                  UNION ALL SELECT 'run', r.id, r.model_id, r.id, m.params_total FROM runs r JOIN models m ON m.id = r.model_id)
    INSERT INTO densities (fit_version_id, reference_id, subject_kind, subject_id, model_id, run_id, benchmark, metric, score, score_source, params, effective_params, density)
    SELECT ver.id, ver.reference_id, s.kind, s.subject_id, s.model_id, s.run_id, b, 'acc', 0.3 + random() * 0.5, 'run:' || coalesce(s.run_id, s.model_id),
           s.params, s.params * (0.5 + random()), 0.5 + random()
      FROM ver, subj s, unnest($1::text[] || '{AVERAGE}') b`, [BENCHMARKS]);
  await q(`INSERT INTO run_efficiency (run_id, benchmark, metric, score, items, input_tokens, output_tokens, busy_ms, pricing, token_value, cost_density, compute_density,
                                       score_per_1k_output_tokens, score_per_dollar, score_per_tflop)
    SELECT r.id, b, 'acc', random(), $2, 1e5, 1e3, 1e4, '{}', '{}', '{}', '{}', random(), random(), random() FROM runs r, unnest($1::text[] || '{ALL}') b`, [BENCHMARKS, docs]);
  await step('analyze', 'ANALYZE');
}

async function main() {
  header(`aggregation: run summary and leaderboard queries over ${fmt(runs * BENCHMARKS.length * docs)} samples (${fmt(runs)} runs × ${BENCHMARKS.length} benchmarks × ${fmt(docs)} docs)`);
  const { Client } = require('pg');
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = dist('libs/database/src/data-source-options');
  const { TaskRegistry } = dist('libs/benchmarks/src/index');
  const { RunMetricsService } = dist('apps/results/src/finalize/run-metrics.service');
  const { CustomBenchmarksRepository, DensitiesRepository, DensityLeaderboardRepository, RunsRepository, SamplesRepository, ShardsRepository, RUNS_SQL, DENSITIES_SQL } =
    dist('libs/database/src/repositories/index');

  const url = await scratchDatabase(DB, { fresh: false });
  const db = new Client({ connectionString: url });
  await db.connect();
  const ds = await new DataSource(dataSourceOptions(url, 2)).initialize();
  try {
    const q = (sql, params) => db.query(sql, params);
    const have = (await q('SELECT count(*)::int AS n FROM runs')).rows[0].n;
    if (have !== runs) {
      if (have) throw new Error(`${DB} holds ${have} runs, not ${runs}: drop it or pass --runs ${have}`);
      console.log('generating:');
      await q('TRUNCATE models, density_references CASCADE');
      await generate(q);
    }
    const runIds = (await q('SELECT id FROM runs')).rows.map((r) => r.id);
    const [{ id: versionId }] = (await q('SELECT id FROM density_fit_versions ORDER BY created_at DESC LIMIT 1')).rows;
    const samples = (await q(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'samples'`)).rows[0].n;
    const sizes = (await q(`SELECT pg_size_pretty(pg_total_relation_size('samples')) AS s, pg_size_pretty(pg_database_size(current_database())) AS d`)).rows[0];
    console.log(`data: ~${fmt(Number(samples))} sample rows (samples ${sizes.s}, database ${sizes.d})`);

    const runsRepo = new RunsRepository(ds);
    const samplesRepo = new SamplesRepository(ds);
    const shardsRepo = new ShardsRepository(ds);
    const runMetrics = new RunMetricsService(runsRepo, samplesRepo, new CustomBenchmarksRepository(ds), new TaskRegistry(DATA_DIR));
    const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
    const densities = new DensitiesRepository(ds);
    const board = new DensityLeaderboardRepository(ds);
    const top = { fitVersionId: versionId, from: null, to: null, benchmarks: [], sort: 'density', direction: 'DESC', limit: 50, offset: 0, projectId: null };
    const cases = [
      ['SamplesRepository.runLosses (losses per benchmark)', () => samplesRepo.runLosses(pick(runIds))],
      ['SamplesRepository.benchmarkMetrics (metrics of one benchmark)', () => samplesRepo.benchmarkMetrics(pick(runIds), pick(BENCHMARKS))],
      ['results RunMetricsService.aggregate(run) (all of the above + JS)', () => runMetrics.aggregate(pick(runIds))],
      ['SamplesRepository.runTotals (finalize)', () => samplesRepo.runTotals(pick(runIds))],
      ['DensitiesRepository.runUsage (run-end efficiency)', () => densities.runUsage(pick(runIds))],
      ['RunsRepository.viewBenchmarks (run view: progress)', () => runsRepo.viewBenchmarks(pick(runIds))],
      ['ShardsRepository.countsByStatus (run view: shard counts)', () => shardsRepo.countsByStatus(pick(runIds))],
      ['DensityLeaderboardRepository.heads (ranked rows)', () => board.heads(top)],
      ['DensityLeaderboardRepository.cells', async () => {
        const ids = (await board.heads(top)).map((r) => r.model_id);
        const t = performance.now();
        await board.cells(versionId, ids, []);
        return performance.now() - t;
      }],
      ['DensityLeaderboardRepository.trendPoints', () => board.trendPoints(versionId, null, null, null)],
    ];
    for (const [, f] of cases) await f(); // warm-up
    const times = cases.map(() => []);
    for (let i = 0; i < iters; i++) {
      for (const [k, [, f]] of cases.entries()) {
        const t = performance.now();
        const own = await f();
        times[k].push(typeof own === 'number' ? own : performance.now() - t);
      }
    }
    console.log(`\n${iters} executions each (random run/model), ms:`);
    console.log(`${'query'.padEnd(68)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}  target`);
    for (const [k, [label]] of cases.entries()) {
      const p50 = percentile(times[k], 50);
      console.log(`${label.padEnd(68)} ${fmt(p50, 2).padStart(8)} ${fmt(percentile(times[k], 99), 2).padStart(8)}  ${p50 < 50 ? 'ok' : 'MISS'}`);
    }
    for (const [name, s, p] of [['run-view benchmarks', RUNS_SQL.view_benchmarks, [runIds[0]]], ['efficiency usage', DENSITIES_SQL.run_usage, [runIds[0]]]]) {
      const plan = (await q(`EXPLAIN ${s}`, p)).rows.map((r) => r['QUERY PLAN']);
      console.log(`\nplan of ${name}:\n  ${plan.join('\n  ')}`);
    }
  } finally {
    await db.end();
    await ds.destroy();
    if (!keep) await dropDatabase(DB);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

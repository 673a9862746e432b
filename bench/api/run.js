#!/usr/bin/env node
'use strict';
/*
 * API under load: requests/s and latency (p50, p99) of submit (POST /v1/runs), get-run
 * (GET /v1/runs/:id) and list-runs (GET /v1/runs, first page and a filtered, paginated page), driven
 * by autocannon on loopback against the api process of the embedded stack (scratch Postgres DB,
 * Redis prefix of its own, results process running).
 *
 *   npm run build:ts && npm run bench:api -- [--runs 1000[,10000,…]] [--duration 10] [--connections 16,64] [--reps 3]
 *                                            [--only get,list,list-filtered,submit] [--cpu-prof DIR]
 *                                            [--scope project|all] [--compare-indexes idx_a,idx_b] [--explain]
 *
 * The stack starts with no worker process: submitted runs are really planned, stored (run, run
 * benchmark, shard rows) and enqueued as a BullMQ flow (finalize-run parent + shard children), but
 * no worker takes the shards, so nothing runs inference while the API is measured. Every submit body
 * is the real CreateRunRequestDto: { modelId, benchmarks: [{ name: 'hellaswag', limit }], shardSize }
 * (default pool cpu, whose queue has no consumer here).
 *
 * Before the measurement --runs runs are created through the API (the same body, so each has
 * limit/shardSize shards) for get and list to read. With several counts (--runs 1000,10000) the first
 * are created through the API and each further step adds copies of them in SQL (runs rows only, older
 * than the originals: the list reads runs, and 9,000 more submits would take minutes and fill Redis),
 * and every scenario is measured again at each step. Requests carry a member key of the default project
 * (--scope project, what a user's key sends: every list then filters on project_id) or the stack's
 * admin key (--scope all). --compare-indexes measures each step without and with the named indexes of
 * runs (dropped, then re-created from their own definitions) side by side; --explain prints EXPLAIN
 * (ANALYZE, BUFFERS) of list-filtered's page and count statements (built by RunsRepository's code) at
 * each step and variant. Each scenario runs --duration seconds per
 * connection count; the whole set repeats --reps times and the medians are printed. Any non-2xx
 * response or error fails the benchmark. autocannon runs in this process, on the same 2 cores as
 * the api, Postgres and Redis: the figures are the whole machine's, not the api's alone.
 */
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');
const os = require('node:os');
const { arg, flag, header, median, fmt, cpuSeconds, dist } = require('../lib/common');
const { startBenchStack, client } = require('../lib/stack');

const runSteps = String(arg('runs', '1000')).split(',').map(Number);
const duration = arg('duration', 10);
const connectionsList = String(arg('connections', '16,64')).split(',').map(Number);
const reps = arg('reps', 3);
const only = arg('only', '') ? arg('only', '').split(',') : null;
const limitDocs = arg('limit', 1000);
const shardSize = arg('shard-size', 100);
const cpuProfDir = arg('cpu-prof', '');
const scope = arg('scope', 'project');
const compareIndexes = arg('compare-indexes', '') ? arg('compare-indexes', '').split(',') : [];
const explain = flag('explain');
const modelFile = 'stories260K.gguf';
const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ ...opts, duration, timeout: 30 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Copies of the API-created runs (rows only) until the table holds total runs; the copies are older than every original. */
async function growRuns(db, total) {
  await db.query(
    `INSERT INTO runs (model_id, project_id, status, pool, priority, shard_size, seed, benchmarks, created_at)
     SELECT r.model_id, r.project_id, r.status, r.pool, r.priority, r.shard_size, r.seed, r.benchmarks,
            lo.t - make_interval(secs => g)
       FROM generate_series(1, $1::int - (SELECT count(*)::int FROM runs)) g
       CROSS JOIN (SELECT min(created_at) AS t FROM runs) lo
       CROSS JOIN LATERAL (SELECT * FROM runs ORDER BY created_at DESC LIMIT 1) r`,
    [total],
  );
  await db.query('VACUUM ANALYZE runs');
}

async function explainFiltered(db, filter) {
  const { buildRunListSql } = dist('libs/database/src/repositories/runs.repository');
  for (const count of [false, true]) {
    const { sql, params } = buildRunListSql(filter, count);
    const plan = (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows.map((r) => r['QUERY PLAN']);
    console.log(`    EXPLAIN ${count ? 'count' : 'page'}:\n${plan.map((l) => `      ${l}`).join('\n')}`);
  }
}

async function main() {
  header(`API under load: submit, get-run, list-runs (${runSteps.join(' → ')} runs stored, ${duration} s per scenario, connections ${connectionsList.join('/')}, ${reps} reps, scope ${scope})`);
  const env = { LOG_LEVEL: 'warn' };
  if (cpuProfDir) {
    fs.mkdirSync(cpuProfDir, { recursive: true });
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: profile the api process through the preload instead
    Object.assign(env, {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, '..', 'lib', 'cpu-prof-preload.js')}`.trim(),
      BENCH_CPU_PROF_DIR: path.resolve(cpuProfDir),
      BENCH_CPU_PROF_MATCH: 'apps/api/',
    });
  }
  const bench = await startBenchStack({ name: 'api', workers: 0, env });
  const apiUrl = bench.stack.apiUrl;
  const apiPid = bench.stack.processes.find((p) => p.name === 'api').pid;
  try {
    const modelId = await bench.api.model('stories260K', modelFile, 292800);
    const key = scope === 'project' ? (await bench.api.post('/v1/keys', { name: 'bench member', role: 'member', project: 'default' })).key : bench.stack.apiKey;
    const api = client(apiUrl, () => null, key);
    const body = { modelId, benchmarks: [{ name: 'hellaswag', limit: limitDocs }], shardSize };
    const bodyJson = JSON.stringify(body);

    // Runs for get and list to read, created through the API (concurrency 8).
    const t0 = performance.now();
    const ids = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < runSteps[0]) {
          next++;
          ids.push((await api.post('/v1/runs', body)).id);
        }
      }),
    );
    const shardsPerRun = Math.ceil(limitDocs / shardSize);
    console.log(`setup: ${ids.length} runs (${shardsPerRun} shards each) created through POST /v1/runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const offset = Math.min(100, Math.floor(runSteps[0] / 2));
    const listFilter = `status=queued&modelId=${modelId}&pool=cpu&limit=20&offset=${offset}`;
    const sample = await api.get(`/v1/runs/${ids[0]}`);
    if (sample.progress.total !== limitDocs || sample.shards.pending !== shardsPerRun) throw new Error(`unexpected run view ${JSON.stringify(sample)}`);
    const page = await api.get(`/v1/runs?${listFilter}`);
    if (page.items.length !== Math.min(20, runSteps[0] - offset)) throw new Error(`unexpected list page ${JSON.stringify(page).slice(0, 300)}`);
    const repoFilter = { projectId: scope === 'project' ? DEFAULT_PROJECT_ID : null, status: 'queued', modelId, pool: 'cpu', limit: 20, offset };

    const headers = (h = {}) => ({ ...h, authorization: `Bearer ${key}` });
    const scenarios = [
      {
        name: 'get',
        what: 'GET /v1/runs/:id (random stored run)',
        opts: {
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/runs/${ids[(Math.random() * ids.length) | 0]}` }) }],
        },
      },
      { name: 'list', what: 'GET /v1/runs (first page, limit 50)', opts: { method: 'GET', url: `${apiUrl}/v1/runs` } },
      { name: 'list-filtered', what: `GET /v1/runs?${listFilter.replace(modelId, '<model>')}`, opts: { method: 'GET', url: `${apiUrl}/v1/runs?${listFilter}` } },
      {
        name: 'submit',
        what: `POST /v1/runs (hellaswag limit ${limitDocs}, shardSize ${shardSize}: ${shardsPerRun} shards)`,
        opts: { method: 'POST', url: `${apiUrl}/v1/runs`, headers: { 'content-type': 'application/json' }, body: bodyJson },
      },
    ].filter((s) => !only || only.includes(s.name));
    for (const s of scenarios) console.log(`  ${s.name.padEnd(14)} ${s.what}`);

    // One short warm-up per scenario (JIT, connection pools).
    for (const s of scenarios) await new Promise((r, j) => autocannon({ url: apiUrl, connections: 8, amount: 200, ...s.opts, headers: headers(s.opts.headers) }, (e, res) => (e ? j(e) : r(res))));

    const indexDefs = compareIndexes.length
      ? (await bench.db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'runs' AND indexname = ANY($1)`, [compareIndexes])).rows
      : [];
    if (indexDefs.length !== compareIndexes.length) throw new Error(`--compare-indexes: runs has ${indexDefs.map((d) => d.indexname).join(', ') || 'none'} of ${compareIndexes.join(', ')}`);
    const variants = compareIndexes.length ? ['without', 'with'] : [''];
    const setVariant = async (v) => {
      for (const d of indexDefs) {
        await bench.db.query(`DROP INDEX IF EXISTS "${d.indexname}"`);
        if (v !== 'without') await bench.db.query(d.indexdef);
      }
      await bench.db.query('ANALYZE runs');
    };

    const results = {}; // `${step}|${variant}|${name}@${connections}` → [{ rps, p50, p99, non2xx, errors }]
    for (const step of runSteps) {
      if (step > runSteps[0]) await growRuns(bench.db, step);
      // Reps outermost and variants alternating inside each rep: drift of the shared machine hits both alike.
      for (let rep = 1; rep <= reps; rep++) {
        for (const variant of variants) {
          if (variant) await setVariant(variant);
          const stored = (await bench.db.query('SELECT count(*)::int AS n FROM runs')).rows[0].n;
          console.log(`  runs ${stored}${variant ? `, ${variant} ${compareIndexes.join(', ')}` : ''}, rep ${rep}, load ${load()}`);
          if (explain && rep === 1) await explainFiltered(bench.db, repoFilter);
          for (const s of scenarios) {
            for (const connections of connectionsList) {
              const cpu0 = cpuSeconds(apiPid);
              const res = await cannon({ url: apiUrl, connections, ...s.opts, headers: headers(s.opts.headers) });
              const apiCpu = (cpuSeconds(apiPid) - cpu0) / duration;
              const r = { rps: res.requests.average, p50: res.latency.p50, p99: res.latency.p99, max: res.latency.max, non2xx: res.non2xx, errors: res.errors + res.timeouts, apiCpu };
              (results[`${step}|${variant}|${s.name}@${connections}`] ??= []).push(r);
              console.log(
                `    ${s.name.padEnd(14)} c=${String(connections).padStart(3)} ${fmt(r.rps, 0).padStart(6)} req/s  p50 ${fmt(r.p50, 1).padStart(6)} ms  p99 ${fmt(r.p99, 1).padStart(6)} ms  max ${fmt(r.max, 0).padStart(5)} ms  api cpu ${(r.apiCpu * 100).toFixed(0)}%  non-2xx ${r.non2xx}  errors ${r.errors}`,
              );
              if (r.non2xx || r.errors) throw new Error(`${s.name}: ${r.non2xx} non-2xx responses, ${r.errors} errors (see ${bench.stack.logsDir}/api.log)`);
            }
          }
        }
      }
    }
    console.log(`\nresults (medians of ${reps}; load at the end ${load()}; submits add runs, so later steps hold more than their count):`);
    console.log('| runs | indexes | endpoint | connections | req/s | p50 ms | p99 ms | api CPU |');
    console.log('|---:|---|---|---:|---:|---:|---:|---:|');
    for (const step of runSteps) {
      for (const variant of variants) {
        for (const s of scenarios) {
          for (const c of connectionsList) {
            const rs = results[`${step}|${variant}|${s.name}@${c}`];
            console.log(
              `| ${step} | ${variant || '(as migrated)'} | ${s.name} | ${c} | ${fmt(median(rs.map((r) => r.rps)), 0)} | ${fmt(median(rs.map((r) => r.p50)), 1)} | ${fmt(median(rs.map((r) => r.p99)), 1)} | ${(median(rs.map((r) => r.apiCpu)) * 100).toFixed(0)}% |`,
            );
          }
        }
      }
    }
  } finally {
    await bench.stop();
    if (cpuProfDir) console.log(`cpu profiles in ${path.resolve(cpuProfDir)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

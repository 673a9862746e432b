'use strict';
/* The SQL of the services' run summary and leaderboard queries, as in the files named (keep in step). */

// apps/results/src/finalize/run-metrics.service.ts
exports.losses = `SELECT benchmark, count(*)::int AS n, sum(loss_nll ORDER BY doc_id) AS nll, sum(loss_tokens)::float8 AS tokens, sum(loss_bytes)::float8 AS bytes
  FROM samples WHERE run_id = $1 AND loss_nll IS NOT NULL GROUP BY benchmark`;
exports.benchmarkMetrics = `SELECT metrics FROM samples WHERE run_id = $1 AND benchmark = $2 ORDER BY doc_id`;

// apps/results/src/finalize/finalize-run.service.ts
exports.totals = `SELECT coalesce(sum(input_tokens),0)::float8 AS input, coalesce(sum(output_tokens),0)::float8 AS output,
  coalesce(sum(latency_ms::float8),0) AS busy FROM samples WHERE run_id = $1`;

// apps/results/src/density/run-density.service.ts
exports.usage = `SELECT s.benchmark, count(*)::int AS items, coalesce(sum(s.input_tokens), 0)::float8 AS input,
    coalesce(sum(s.output_tokens), 0)::float8 AS output, coalesce(sum(s.latency_ms::float8), 0) AS busy,
    sum(s.latency_ms::float8 * w.cost_per_hour) / 3600000 AS "workerCost",
    count(*) FILTER (WHERE w.cost_per_hour IS NULL)::int AS unpriced
  FROM samples s JOIN shards sh ON sh.id = s.shard_id AND sh.run_id = $1 LEFT JOIN workers w ON w.id = sh.worker_id
  WHERE s.run_id = $1 GROUP BY s.benchmark`;

// apps/api/src/runs/run-view.service.ts
exports.runViewBenchmarks = `SELECT rb.name, rb.is_group AS "isGroup", rb.total_samples AS total, rb.num_fewshot AS "numFewshot", rb.metrics,
    rb.task_info->'leaves' AS leaves, coalesce(sum(s.done_samples), 0)::int AS done
  FROM run_benchmarks rb LEFT JOIN shards s ON s.run_benchmark_id = rb.id
  WHERE rb.run_id = $1 GROUP BY rb.id ORDER BY rb.name`;
exports.runViewShards = `SELECT status, count(*)::int AS n FROM shards WHERE run_id = $1 GROUP BY status`;

// apps/api/src/density/leaderboard/leaderboard.service.ts (sort by density, desc)
exports.leaderboard = `WITH eff AS (
    SELECT DISTINCT ON (r.model_id) r.model_id, r.id AS run_id, e.score_per_1k_output_tokens, e.score_per_dollar, e.score_per_tflop,
           e.token_value, e.cost_density, e.compute_density
      FROM runs r JOIN run_efficiency e ON e.run_id = r.id AND e.benchmark = 'ALL'
     WHERE r.status = 'succeeded' ORDER BY r.model_id, r.finished_at DESC NULLS LAST
  ), board AS (
    SELECT m.id AS model_id, m.name, m.params_total::float8 AS params, m.params_active::float8 AS active_params,
           to_char(m.release_date, 'YYYY-MM-DD') AS release_date, d.score, d.effective_params, d.density, d.undefined_reason, d.message,
           eff.run_id, eff.score_per_1k_output_tokens, eff.score_per_dollar, eff.score_per_tflop, eff.token_value, eff.cost_density, eff.compute_density
      FROM densities d JOIN models m ON m.id = d.model_id LEFT JOIN eff ON eff.model_id = m.id
     WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = 'AVERAGE'
       AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
       AND NOT EXISTS (
         SELECT 1 FROM unnest($4::text[]) AS wanted(benchmark)
          WHERE NOT EXISTS (SELECT 1 FROM densities x WHERE x.fit_version_id = $1 AND x.subject_kind = 'model'
                              AND x.subject_id = m.id AND x.benchmark = wanted.benchmark AND x.score IS NOT NULL))
  )
  SELECT *, CASE WHEN density IS NULL THEN NULL ELSE rank() OVER (ORDER BY density DESC NULLS LAST) END AS rank, count(*) OVER () AS total
    FROM board ORDER BY density DESC NULLS LAST, name ASC LIMIT $5 OFFSET $6`;
exports.leaderboardCells = `SELECT subject_id AS "modelId", benchmark, metric, score, score_source AS "scoreSource", effective_params AS "effectiveParams",
    density, undefined_reason AS "undefinedReason", message
  FROM densities
  WHERE fit_version_id = $1 AND subject_kind = 'model' AND subject_id = ANY($2) AND benchmark <> 'AVERAGE'
    AND (cardinality($3::text[]) = 0 OR benchmark = ANY($3))
  ORDER BY benchmark`;

// apps/api/src/density/leaderboard/trend.service.ts
exports.trendPoints = `SELECT m.name AS model, to_char(m.release_date, 'YYYY-MM-DD') AS "releaseDate", d.density
  FROM densities d JOIN models m ON m.id = d.model_id
  WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = 'AVERAGE' AND d.density IS NOT NULL
    AND m.release_date IS NOT NULL AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
  ORDER BY m.release_date, m.name`;

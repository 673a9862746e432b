'use strict';
/*
 * The services' own SQL (exported by the files named, compiled in dist/): the bench times exactly the
 * queries the services run, with no copy to keep in step.
 */
const { dist } = require('../lib/common');

const { RUN_LOSSES_SQL, BENCHMARK_METRICS_SQL } = dist('apps/results/src/finalize/run-metrics.service');
const { RUN_TOTALS_SQL } = dist('apps/results/src/finalize/finalize-run.service');
const { DENSITIES_SQL, DENSITY_LEADERBOARD_SQL } = dist('libs/database/src/repositories/index');
const { RUN_VIEW_BENCHMARKS_SQL, RUN_VIEW_SHARDS_SQL } = dist('apps/api/src/runs/run-view.service');

module.exports = {
  losses: RUN_LOSSES_SQL,
  benchmarkMetrics: BENCHMARK_METRICS_SQL,
  totals: RUN_TOTALS_SQL,
  usage: DENSITIES_SQL.run_usage,
  runViewBenchmarks: RUN_VIEW_BENCHMARKS_SQL,
  runViewShards: RUN_VIEW_SHARDS_SQL,
  // sorted by density, descending (the leaderboard's default)
  leaderboard: DENSITY_LEADERBOARD_SQL.leaderboard_by_density,
  leaderboardCells: DENSITY_LEADERBOARD_SQL.cells,
  trendPoints: DENSITY_LEADERBOARD_SQL.trend_points,
};

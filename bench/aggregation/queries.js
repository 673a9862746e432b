'use strict';
/*
 * The services' own SQL (exported by the files named, compiled in dist/): the bench times exactly the
 * queries the services run, with no copy to keep in step.
 */
const { dist } = require('../lib/common');

const { RUN_LOSSES_SQL, BENCHMARK_METRICS_SQL } = dist('apps/results/src/finalize/run-metrics.service');
const { RUN_TOTALS_SQL } = dist('apps/results/src/finalize/finalize-run.service');
const { RUN_USAGE_SQL } = dist('apps/results/src/density/run-density.service');
const { RUN_VIEW_BENCHMARKS_SQL, RUN_VIEW_SHARDS_SQL } = dist('apps/api/src/runs/run-view.service');
const { leaderboardSql, LEADERBOARD_CELLS_SQL } = dist('apps/api/src/density/leaderboard/leaderboard.service');
const { TREND_POINTS_SQL } = dist('apps/api/src/density/leaderboard/trend.service');

module.exports = {
  losses: RUN_LOSSES_SQL,
  benchmarkMetrics: BENCHMARK_METRICS_SQL,
  totals: RUN_TOTALS_SQL,
  usage: RUN_USAGE_SQL,
  runViewBenchmarks: RUN_VIEW_BENCHMARKS_SQL,
  runViewShards: RUN_VIEW_SHARDS_SQL,
  // sorted by density, descending (the leaderboard's default)
  leaderboard: leaderboardSql('density', 'DESC'),
  leaderboardCells: LEADERBOARD_CELLS_SQL,
  trendPoints: TREND_POINTS_SQL,
};

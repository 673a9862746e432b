// @app/density-reports — the density leaderboard, the Densing Law trend and reports (JSON, CSV, SVG/PNG plots in S3)
// from what Postgres holds: read by the API, built by the results service's build-density-report job.
export * from './density-reports.module';
export * from './leaderboard-reader';
export * from './chart-renderer.service';
export * from './report-builder.service';
export * from './report-files';

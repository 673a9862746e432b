// @app/reference-fits — fitting reference families from what Postgres holds (the API's POST …/fit and the results
// service's calibrations): data points, fit versions, the densities' recompute, and a calibration's state machine.
export * from './reference-fits.module';
export * from './fit-data.service';
export * from './fit-version-writer.service';
export * from './density-jobs.service';
export * from './calibration-state';

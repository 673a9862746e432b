#!/usr/bin/env node
'use strict';
// Fits the built-in Pythia reference exactly as a fresh install does (calibrateFromScores on the table), then prints
// the leave-one-size-out validation as Markdown: per benchmark the fit's error, the held-out sizes' score errors,
// and the density each held-out size gets from the fit without it (ideally 1). DENSITY.md records its output.
//
//   npm run build:ts && node references/pythia/validate.js [--params total|non-embedding] [--suite pile|pile-deduped]
const fs = require('node:fs');
const path = require('node:path');
const density = require(path.join(__dirname, '..', '..', 'dist', 'libs', 'density', 'src', 'index.js'));

const args = { params: 'total', suite: 'pile' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in args)) throw new Error(`unknown argument ${argv[i]} (--params total|non-embedding, --suite pile|pile-deduped)`);
  args[key] = argv[i + 1];
}
const column = { total: 'params_total', 'non-embedding': 'params_non_embedding' }[args.params];
if (!column) throw new Error(`--params must be total or non-embedding, got ${args.params}`);

const rows = density.parsePythiaTable(fs.readFileSync(path.join(__dirname, 'pythia-evals.csv')));
const observations = density.pythiaObservations(rows, { suite: args.suite, paramsColumn: column });
const benchmarks = density.observedKeys(observations);
const started = process.hrtime.bigint();
const calibration = density.calibrateFromScores({
  name: 'pythia',
  d0Tokens: density.PYTHIA_REFERENCE.trainingTokens,
  benchmarks,
  averageCandidates: benchmarks.filter((b) => !b.includes('@')),
  observations,
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const f = (v, digits = 3) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const factor = (v) => (v === null ? '–' : v > 1000 ? '> 1000' : v.toFixed(2));
const rho = (v) => (v < 0.01 ? '< 0.01' : v > 1000 ? '> 1000' : v.toFixed(2));
const short = (m) => m.replace(/^pythia-/, '');
const sizes = [...new Set(observations.map((o) => o.member))];
console.log(`Suite ${args.suite}, N = ${args.params} parameters, D0 = ${density.PYTHIA_REFERENCE.trainingTokens.toLocaleString('en')} tokens; ` +
  `${observations.length} checkpoints; fit and validation took ${seconds.toFixed(1)} s.\n`);
console.log(`| benchmark | points | fit RMSE | R² | held-out RMSE | typical factor | worst factor | validated | ${sizes.map(short).join(' | ')} |`);
console.log(`|---|---|---|---|---|---|---|---|${sizes.map(() => '---').join('|')}|`);
for (const [name, c] of [...Object.entries(calibration.benchmarks), ['AVERAGE', calibration.average]]) {
  const v = c.validation;
  const cells = sizes.map((m) => {
    const s = v.sizes.find((x) => x.member === m);
    if (!s) return '';
    if (s.error) return 'no fit';
    if (!s.atD0) return '–';
    return s.atD0.density === null ? s.atD0.reason.toLowerCase().replace(/_/g, ' ') : rho(s.atD0.density);
  });
  const label = name === 'AVERAGE' ? `AVERAGE (${calibration.average.benchmarks.join(', ')})` : name;
  console.log(`| ${label} | ${c.composed.quality.n} | ${f(c.composed.quality.rmse, 4)} | ${f(c.composed.quality.rSquared)} | ${f(v.rmse, 4)} | ` +
    `${factor(v.typicalFactor)} | ${factor(v.worstFactor)} | ${v.validated ? 'yes' : 'no'} | ${cells.join(' | ')} |`);
}
for (const [name, reason] of Object.entries(calibration.excluded ?? {})) console.log(`| ${name} | not fitted: ${reason.replace(/\|/g, '/')} |`);

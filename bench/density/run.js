#!/usr/bin/env node
// Times the density core on a realistic load: calibrating a reference family on 5 benchmarks (+ AVERAGE),
// 1,000 model densities, and a 60-model trend with a 2,000-resample bootstrap.
// Usage: npm run build:ts && node bench/density/run.js   (reads the compiled library from dist/)
const path = require('node:path');
const density = require(path.join(__dirname, '../../dist/libs/density/src/index.js'));

const benchmarks = ['mmlu', 'bbh', 'math', 'humaneval', 'mbpp'];
const family = { name: 'bench', lossModels: [], performanceModels: [] };
for (const n of [5e6, 3e7, 1e8, 2.5e8, 5e8, 8e8]) {
  for (const k of [10, 15, 20, 30, 40, 60]) {
    const losses = Object.fromEntries(benchmarks.map((b, i) => [b, (40 + 5 * i) * n ** -0.25 + 20 * (k * n) ** -(0.2 + 0.02 * i)]));
    family.lossModels.push({ id: `${n}-${k}`, params: n, tokens: k * n, losses });
  }
}
for (let j = 0; j < 16; j++) {
  const loss = 0.2 + 0.04 * j;
  const losses = Object.fromEntries(benchmarks.map((b) => [b, loss]));
  const scores = Object.fromEntries(benchmarks.map((b, i) => [b, 0.7 / (1 + Math.exp((18 + i) * (loss - 0.45))) + 0.2]));
  family.performanceModels.push({ id: `p${j}`, losses, scores });
}

function time(label, fn) {
  const start = process.hrtime.bigint();
  const out = fn();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`);
  return out;
}

const calibration = time('calibrate 5 benchmarks + AVERAGE', () => density.calibrateReference(family));
time('1,000 model densities', () => {
  for (let i = 0; i < 1000; i++) density.estimateModelDensity(calibration, { id: `m${i}`, params: 1e9 + i * 1e7, scores: Object.fromEntries(benchmarks.map((b) => [b, 0.3 + (i % 50) / 100])) });
});
const points = Array.from({ length: 60 }, (_, i) => ({ id: `m${i}`, releaseDate: new Date(Date.UTC(2023, 1, 24) + i * 13 * 864e5).toISOString().slice(0, 10), density: 0.1 * Math.exp(0.0065 * i * 13) * (i % 3 ? 0.5 : 1) }));
const trend = time('trend + 2,000 bootstrap resamples', () => density.fitDensityTrend(points));
console.log(`doubling time ${trend.doublingTimeMonths.toFixed(2)} months, 95% CI ${trend.confidence.doublingTimeMonths.map((v) => v.toFixed(2)).join('–')}`);

#!/usr/bin/env node
'use strict';
// Derives references/pythia/pythia-evals.csv from EleutherAI's published lm-evaluation-harness result files of
// the Pythia suite (EleutherAI/pythia, evals/pythia-v1/<model>/{zero-shot,five-shot}/*.json). Nothing in the
// table is typed by hand: every value is read from a source file, and this script checks what it reads.
//
//   node references/pythia/derive-table.js [--data <dir>] [--out <file>]
//
// <dir> is the data folder (default: DENSEBENCH_DATA_DIR, else ../shared/data beside the checkout). It must hold
// pythia-evals/ (the result files and README.pythia.md), MANIFEST.md (the suite's published parameter counts)
// and mmlu/test/*.csv (the MMLU subjects' sizes, for the size-weighted mmlu group score).
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('csv-parse/sync');
const { stringify } = require('csv-stringify/sync');

const TOKENS_PER_STEP = 1024 * 2048; // README.pythia.md: batch size 1024 sequences of 2048 tokens (2M tokens a step)
const FINAL_STEP = 143000; // README.pythia.md: 143000 steps = 299,892,736,000 tokens (checked below)
const KEPT_TASKS = ['arc_easy', 'arc_challenge', 'lambada_openai', 'piqa', 'winogrande', 'logiqa', 'wsc', 'sciq'];
const KEPT_METRICS = ['acc', 'acc_norm', 'ppl'];
const MMLU_PREFIX = 'hendrycksTest-';

function args() {
  const out = { data: process.env.DENSEBENCH_DATA_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data'), out: path.join(__dirname, 'pythia-evals.csv') };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--data') out.data = path.resolve(argv[i + 1]);
    else if (argv[i] === '--out') out.out = path.resolve(argv[i + 1]);
    else throw new Error(`unknown argument ${argv[i]} (expected --data <dir>, --out <file>)`);
  }
  return out;
}

function fail(message) {
  console.error(`derive-table: ${message}`);
  process.exit(1);
}

/** Architecture (n_layers, d_model) per size, from README.pythia.md's model table. */
function readArchitecture(readme) {
  const arch = new Map();
  for (const line of readme.split('\n')) {
    const m = /^\|\s*(\d+(?:\.\d+)?[MB])\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/.exec(line);
    if (m) arch.set(m[1].toLowerCase(), { layers: Number(m[2]), dModel: Number(m[3]) });
  }
  return arch;
}

/** Published (total, non-embedding) parameter counts per size, from data/MANIFEST.md. */
function readCounts(manifest) {
  const line = /The counts\s+published for the suite \(total \/ non-embedding\):([\s\S]*?)\.\n/.exec(manifest);
  if (!line) fail('MANIFEST.md has no "counts published for the suite" sentence');
  const counts = new Map();
  for (const m of line[1].matchAll(/(\d+(?:\.\d+)?[mb])\s+([\d,]+)\s*\/\s*([\d,]+)/g)) {
    counts.set(m[1], { total: Number(m[2].replace(/,/g, '')), nonEmbedding: Number(m[3].replace(/,/g, '')) });
  }
  return counts;
}

/** GPT-NeoX blocks: QKV (3d² + 3d), attention output (d² + d), MLP 4d (8d² + 5d), two layer norms (4d); final norm 2d. */
const nonEmbeddingCount = ({ layers, dModel: d }) => layers * (12 * d * d + 13 * d) + 2 * d;

function mmluSizes(dataDir) {
  const dir = path.join(dataDir, 'mmlu', 'test');
  const sizes = new Map();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('_test.csv'))) {
    const rows = parse(fs.readFileSync(path.join(dir, f)), { columns: true, skip_empty_lines: true });
    sizes.set(f.replace(/_test\.csv$/, ''), rows.length);
  }
  if (sizes.size !== 57) fail(`expected 57 MMLU subjects in ${dir}, found ${sizes.size}`);
  return sizes;
}

function main() {
  const o = args();
  const evalsDir = path.join(o.data, 'pythia-evals');
  const arch = readArchitecture(fs.readFileSync(path.join(evalsDir, 'README.pythia.md'), 'utf8'));
  const counts = readCounts(fs.readFileSync(path.join(o.data, 'MANIFEST.md'), 'utf8'));
  const subjects = mmluSizes(o.data);
  const readme = fs.readFileSync(path.join(evalsDir, 'README.pythia.md'), 'utf8');
  const finalTokens = Number((/saw ([\d,]+) ~= 300B tokens/.exec(readme) ?? fail('README.pythia.md does not state the tokens seen'))[1].replace(/,/g, ''));
  if (finalTokens !== FINAL_STEP * TOKENS_PER_STEP) fail(`README's ${finalTokens} tokens ≠ ${FINAL_STEP} steps × ${TOKENS_PER_STEP}`);

  const rows = [];
  const seen = new Set();
  const root = path.join(evalsDir, 'pythia-v1');
  for (const folder of fs.readdirSync(root).sort()) {
    const m = /^pythia-(\d+(?:\.\d+)?[mb])(-bf16)?(-deduped)?$/.exec(folder);
    if (!m) fail(`unexpected folder ${folder}`);
    const size = m[1];
    const suite = m[3] ? 'pile-deduped' : 'pile';
    const model = `pythia-${size}${m[3] ?? ''}`;
    const count = counts.get(size) ?? fail(`no published parameter count for ${size}`);
    const a = arch.get(size) ?? fail(`no architecture row for ${size} in README.pythia.md`);
    if (nonEmbeddingCount(a) !== count.nonEmbedding) fail(`${size}: the architecture gives ${nonEmbeddingCount(a)} non-embedding parameters, MANIFEST.md ${count.nonEmbedding}`);
    for (const shots of ['zero-shot', 'five-shot']) {
      const dir = path.join(root, folder, shots);
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
        const source = path.posix.join('pythia-v1', folder, shots, file);
        const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        const step = Number((/_step(\d+)\.json$/.exec(file) ?? fail(`no step in ${source}`))[1]);
        const revision = /revision=step(\d+)/.exec(doc.config?.model_args ?? '');
        if (revision && Number(revision[1]) !== step) fail(`${source}: file name says step ${step}, model_args ${revision[1]}`);
        const numFewshot = doc.config?.num_fewshot;
        if (numFewshot !== (shots === 'five-shot' ? 5 : 0)) fail(`${source}: num_fewshot ${numFewshot} in a ${shots} folder`);
        const key = `${model}|${step}|${numFewshot}`;
        if (seen.has(key)) fail(`two files for ${key}`);
        seen.add(key);
        const base = { suite, model, params_total: count.total, params_non_embedding: count.nonEmbedding, step, tokens: step * TOKENS_PER_STEP, num_fewshot: numFewshot };
        for (const task of KEPT_TASKS) {
          const r = doc.results[task];
          if (!r) continue;
          if (doc.versions?.[task] !== 0) fail(`${source}: ${task} has task version ${doc.versions?.[task]}, expected 0`);
          for (const metric of KEPT_METRICS) {
            if (typeof r[metric] !== 'number') continue;
            rows.push({ ...base, task, metric, value: r[metric], stderr: r[`${metric}_stderr`] ?? '', n: '', source });
          }
        }
        const mmlu = Object.keys(doc.results).filter((k) => k.startsWith(MMLU_PREFIX));
        if (mmlu.length === 0) continue;
        if (mmlu.length !== subjects.size) fail(`${source}: ${mmlu.length} MMLU subjects, expected ${subjects.size}`);
        // The mmlu group as densebench (and lm-eval ≥ 0.4) reports it: the subjects' acc weighted by their sizes.
        let correct = 0;
        let total = 0;
        for (const k of mmlu) {
          const n = subjects.get(k.slice(MMLU_PREFIX.length)) ?? fail(`${source}: unknown MMLU subject ${k}`);
          correct += doc.results[k].acc * n;
          total += n;
        }
        rows.push({ ...base, task: 'mmlu', metric: 'acc', value: correct / total, stderr: '', n: total, source });
      }
    }
  }
  rows.sort((x, y) => x.suite.localeCompare(y.suite) || x.params_total - y.params_total || x.num_fewshot - y.num_fewshot || x.step - y.step || x.task.localeCompare(y.task) || x.metric.localeCompare(y.metric));
  const columns = ['suite', 'model', 'params_total', 'params_non_embedding', 'step', 'tokens', 'num_fewshot', 'task', 'metric', 'value', 'stderr', 'n', 'source'];
  fs.writeFileSync(o.out, stringify(rows, { header: true, columns, cast: { number: (v) => String(v) } }));
  const files = seen.size;
  console.log(`derive-table: ${rows.length} rows from ${files} result files of ${new Set(rows.map((r) => r.model)).size} models → ${path.relative(process.cwd(), o.out)}`);
}

main();

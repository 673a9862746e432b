'use strict';
/* Shared helpers of the benchmark scripts: arguments, statistics, the machine, the compiled code in dist/. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const MODELS_DIR = process.env.DENSEBENCH_MODELS_DIR || path.resolve(REPO, '..', 'shared', 'models');
const DATA_DIR = process.env.DENSEBENCH_DATA_DIR || path.resolve(REPO, '..', 'shared', 'data');
const LLAMA_BIN_DIR = require('../../libs/inference/native/paths').llamaToolsBinDir();

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return def;
  const v = process.argv[i + 1];
  return typeof def === 'number' ? Number(v) : v;
}
const flag = (name) => process.argv.includes(`--${name}`);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** CPU model, cores, RAM and load: printed at the top of every benchmark. */
function machine() {
  const cpus = os.cpus();
  let pg = '';
  try {
    pg = execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'show server_version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* no psql */
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism ? os.availableParallelism() : cpus.length,
    ramGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    load: os.loadavg().map((l) => +l.toFixed(2)),
    node: process.version,
    postgres: pg || undefined,
  };
}

function header(title) {
  const m = machine();
  console.log(`# ${title}`);
  console.log(`command: ${['node', ...process.argv.slice(1).map((a) => path.relative(REPO, a) || a)].join(' ').replace(/^node (bench\/)/, 'node $1')}`);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, load ${m.load.join(' ')}, node ${m.node}${m.postgres ? `, PostgreSQL ${m.postgres}` : ''}`);
  console.log(`date: ${new Date().toISOString()}`);
  return m;
}

/** A module of the compiled code (npm run build:ts). */
function dist(rel) {
  const file = path.join(REPO, 'dist', rel);
  if (!fs.existsSync(`${file}.js`) && !fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build:ts first`);
  return require(file);
}

/** The native llama.cpp addon the llama-cpp backend runs (npm run build:native), initialised. */
function loadAddon() {
  const addonPath = path.join(REPO, 'libs', 'inference', 'native', 'build', 'Release', 'densebench_llama.node');
  if (!fs.existsSync(addonPath)) throw new Error(`${addonPath} is missing: run npm run build:native`);
  const addon = require(addonPath);
  addon.init(require(path.join(REPO, 'libs', 'inference', 'native', 'paths.js')).prebuiltBinsDir());
  return addon;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : String(x));

/** Resident set size and its peak (VmHWM) of a process, in MiB; null when it is gone. */
function rss(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s) || [])[1] || NaN);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    const tck = 100; // USER_HZ on Linux
    return (Number(parts[11]) + Number(parts[12])) / tck;
  } catch {
    return NaN;
  }
}

module.exports = { REPO, MODELS_DIR, DATA_DIR, LLAMA_BIN_DIR, arg, flag, median, percentile, machine, header, dist, loadAddon, sleep, fmt, rss, cpuSeconds };

#!/usr/bin/env node
'use strict';
// Builds the densebench llama.cpp addon (npm run build:native; also run by `npm ci` via prepare).
//
// 1. llama.cpp headers: a clone of node-llama-cpp's git bundle (llama/gitRelease.bundle) in a
//    cache dir outside the repo, created on first use (see paths.js for the location).
// 2. node-gyp (npm's bundled copy) compiles src/*.cpp against those headers and links the prebuilt
//    libllama / libggml of @node-llama-cpp/<platform> with an rpath to their directory.
// Output: libs/inference/native/build/Release/densebench_llama.node. Skipped when up to date.
// Env: DENSEBENCH_SKIP_NATIVE=1 skips the build; DENSEBENCH_LLAMA_CPP_DIR / DENSEBENCH_CACHE_DIR
// choose where the llama.cpp clone lives; FORCE=1 rebuilds.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const paths = require('./paths');

const TAG = '[build:native]';
const outFile = path.join(paths.nativeDir, 'build', 'Release', 'densebench_llama.node');
const stampFile = path.join(paths.nativeDir, 'build', 'densebench-build.json');

function log(msg) {
  process.stdout.write(`${TAG} ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`${TAG} ERROR: ${msg}\n`);
  process.exit(1);
}

function commandWorks(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function checkToolchain() {
  const cxx = process.env.CXX || 'g++';
  const missing = [];
  if (!commandWorks(cxx) && !commandWorks('c++')) missing.push(`a C++17 compiler (${cxx}; apt-get install g++)`);
  if (!commandWorks('make')) missing.push('make (apt-get install make)');
  const python = process.env.PYTHON || process.env.npm_config_python || 'python3';
  if (!commandWorks(python)) missing.push(`python3, needed by node-gyp (${python}; apt-get install python3)`);
  if (missing.length) {
    fail(`cannot build the native llama.cpp addon, missing: ${missing.join(', ')}.\n` +
      `${TAG} Install them and run \`npm run build:native\` (or set DENSEBENCH_SKIP_NATIVE=1 to skip).`);
  }
}

function ensureLlamaHeaders() {
  const dir = paths.llamaCppSourceDir();
  const ok = (d) => fs.existsSync(path.join(d, 'include', 'llama.h')) &&
    fs.existsSync(path.join(d, 'ggml', 'include', 'ggml.h'));
  if (ok(dir)) return dir;
  if (process.env.DENSEBENCH_LLAMA_CPP_DIR) fail(`DENSEBENCH_LLAMA_CPP_DIR=${dir} has no include/llama.h`);
  const { tag, bundle } = paths.llamaCppInfo();
  if (!fs.existsSync(bundle)) fail(`llama.cpp source bundle not found: ${bundle} (reinstall node-llama-cpp)`);
  if (!commandWorks('git')) fail('git is needed to unpack the llama.cpp headers from node-llama-cpp (apt-get install git)');
  log(`cloning llama.cpp ${tag} headers from node-llama-cpp's bundle into ${dir}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, tmp], { stdio: 'inherit' });
  if (r.status !== 0 || !ok(tmp)) {
    fs.rmSync(tmp, { recursive: true, force: true });
    fail(`git clone ${bundle} failed`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  const npmDirs = [];
  if (process.env.npm_execpath) npmDirs.push(path.resolve(path.dirname(process.env.npm_execpath), '..'));
  npmDirs.push(path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'));
  npmDirs.push(path.resolve(path.dirname(process.execPath), 'node_modules', 'npm'));
  for (const d of npmDirs) candidates.push(path.join(d, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((c) => fs.existsSync(c));
}

function nodeHeadersDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const root = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(root, 'include', 'node', 'node_api.h')) ? root : null;
}

function newestMtime(files) {
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

function upToDate(inputs, stamp) {
  if (process.env.FORCE === '1' || !fs.existsSync(outFile) || !fs.existsSync(stampFile)) return false;
  try {
    if (fs.readFileSync(stampFile, 'utf8') !== stamp) return false;
  } catch {
    return false;
  }
  return fs.statSync(outFile).mtimeMs > newestMtime(inputs);
}

function main() {
  if (process.env.DENSEBENCH_SKIP_NATIVE === '1') {
    log('DENSEBENCH_SKIP_NATIVE=1: skipping the native addon build');
    return;
  }
  const binsDir = paths.prebuiltBinsDir();
  if (!binsDir) {
    fail(`node-llama-cpp's prebuilt binaries for ${paths.platformName()} were not found ` +
      `(@node-llama-cpp/${paths.platformName()}); run npm ci on a supported platform`);
  }
  const srcDir = path.join(paths.nativeDir, 'src');
  const inputs = [
    ...fs.readdirSync(srcDir).map((f) => path.join(srcDir, f)),
    path.join(paths.nativeDir, 'binding.gyp'),
    path.join(paths.nativeDir, 'paths.js'),
    __filename,
    ...paths.prebuiltLibraries(binsDir).map((f) => path.join(binsDir, f)),
  ];
  const stamp = JSON.stringify({
    llamaCpp: paths.llamaCppInfo().tag,
    headers: paths.llamaCppSourceDir(),
    binsDir,
    node: process.versions.modules,
    platform: `${process.platform}-${process.arch}`,
  });
  if (upToDate(inputs, stamp)) {
    log(`up to date: ${path.relative(process.cwd(), outFile)}`);
    return;
  }
  checkToolchain();
  const headers = ensureLlamaHeaders();
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) fail('node-gyp not found (it ships with npm; set npm_config_node_gyp to its bin/node-gyp.js)');

  const started = Date.now();
  log(`compiling against llama.cpp headers in ${headers}, linking ${binsDir}`);
  const common = [`--directory=${paths.nativeDir}`, '--loglevel=warn'];
  const nodedir = nodeHeadersDir();
  if (nodedir) common.push(`--nodedir=${nodedir}`);
  const env = { ...process.env, DENSEBENCH_LLAMA_CPP_DIR: headers };
  for (const step of [['configure'], ['build', `--jobs=${Math.max(1, os.cpus().length)}`]]) {
    const r = spawnSync(process.execPath, [nodeGyp, ...step, ...common], { stdio: 'inherit', env });
    if (r.status !== 0) fail(`node-gyp ${step[0]} failed (exit ${r.status}); see the output above`);
  }
  const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(outFile)})`], { encoding: 'utf8' });
  if (check.status !== 0) fail(`the addon was built but does not load:\n${check.stderr}`);
  fs.writeFileSync(stampFile, stamp);
  log(`built ${path.relative(process.cwd(), outFile)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();

#!/usr/bin/env node
'use strict';
// Builds llama.cpp's own tools (llama-perplexity, llama-server, llama-bench, llama-batched-bench,
// llama-parallel) from the source that node-llama-cpp ships (llama/gitRelease.bundle), CPU only, into
// a cache outside the repository: $LLAMA_CPP_TOOLS_DIR, default ~/.cache/densebench/llama.cpp (paths.llamaToolsDir)
// (binaries in build/bin). They are the reference numbers in tests (perplexity within 0.1 %), a real
// OpenAI-compatible server for the openai backend, and the engine's own speed in bench/ (batched
// generation against llama-parallel / llama-batched-bench). Tools already built are skipped.
// Prints one line per tool; the compiler's output goes to build/densebench-build.log in that cache
// and is printed only when a step fails.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const paths = require('../../libs/inference/native/paths');

const TARGETS = ['llama-perplexity', 'llama-batched-bench', 'llama-parallel', 'llama-bench', 'llama-server'];
const dir = paths.llamaToolsDir();
const buildDir = path.join(dir, 'build');
const bin = path.join(buildDir, 'bin');
const logFile = path.join(buildDir, 'densebench-build.log');

function fail(what, r) {
  const reason = r.error ? r.error.message : `exit ${r.status}`;
  console.error(`[llama-tools] ${what} failed (${reason}); its output (${logFile}):`);
  try {
    const text = fs.readFileSync(logFile, 'utf8');
    console.error(text.length > 20000 ? `…${text.slice(-20000)}` : text);
  } catch {
    // no log written
  }
  process.exit(1);
}

/** Runs a command with its output appended to the log file. */
function run(what, cmd, args) {
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (r.error || r.status !== 0) fail(what, r);
}

const missing = TARGETS.filter((t) => !fs.existsSync(path.join(bin, t)));
if (!missing.length) {
  console.log(`[llama-tools] up to date in ${bin}`);
  process.exit(0);
}
const { bundle, tag } = paths.llamaCppInfo();
if (!fs.existsSync(path.join(dir, 'CMakeLists.txt'))) {
  console.log(`[llama-tools] cloning llama.cpp ${tag} from ${bundle}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const r = spawnSync('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, dir], { stdio: 'inherit' });
  if (r.error || r.status !== 0) fail('git clone', r);
}
fs.mkdirSync(buildDir, { recursive: true });
fs.writeFileSync(logFile, `[llama-tools] ${new Date().toISOString()} building ${missing.join(', ')}\n`);
console.log(`[llama-tools] configuring llama.cpp ${tag} (CPU) in ${buildDir}; compiler output: ${logFile}`);
run('cmake configure', 'cmake', ['-S', dir, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF', '-DLLAMA_OPENSSL=OFF', '-DLLAMA_BUILD_TESTS=OFF']);
for (const target of missing) {
  const t0 = Date.now();
  run(`building ${target}`, 'cmake', ['--build', buildDir, '-j', String(os.cpus().length), '--target', target]);
  console.log(`[llama-tools] ${target}: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(`[llama-tools] built into ${bin}`);

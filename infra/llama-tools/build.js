#!/usr/bin/env node
'use strict';
// Builds llama.cpp's own tools (llama-perplexity, llama-server, llama-bench) from the source that
// node-llama-cpp ships (llama/gitRelease.bundle), CPU only, into a cache outside the repository:
// $LLAMA_CPP_TOOLS_DIR, default ~/.cache/densebench/llama.cpp (binaries in build/bin). They are the
// reference numbers in tests (perplexity within 0.1 %), a real OpenAI-compatible server for the openai
// backend, and the engine's own speed in bench/. Skipped when the binaries are already there.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const paths = require('../../libs/inference/native/paths');

const TARGETS = ['llama-perplexity', 'llama-server', 'llama-bench'];
const dir = process.env.LLAMA_CPP_TOOLS_DIR || path.join(os.homedir(), '.cache', 'densebench', 'llama.cpp');
const bin = path.join(dir, 'build', 'bin');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error || r.status !== 0) {
    console.error(`[llama-tools] ${cmd} ${args.join(' ')} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    process.exit(1);
  }
}

if (TARGETS.every((t) => fs.existsSync(path.join(bin, t)))) {
  console.log(`[llama-tools] up to date in ${bin}`);
  process.exit(0);
}
const { bundle, tag } = paths.llamaCppInfo();
if (!fs.existsSync(path.join(dir, 'CMakeLists.txt'))) {
  console.log(`[llama-tools] cloning llama.cpp ${tag} from ${bundle}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, dir]);
}
console.log(`[llama-tools] building ${TARGETS.join(', ')} (CPU) in ${dir}/build — several minutes on 2 cores, once`);
run('cmake', ['-S', dir, '-B', path.join(dir, 'build'), '-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DLLAMA_CURL=OFF', '-DLLAMA_OPENSSL=OFF', '-DLLAMA_BUILD_TESTS=OFF'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
run('cmake', ['--build', path.join(dir, 'build'), '-j', String(os.cpus().length), '--target', ...TARGETS], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`[llama-tools] built into ${bin}`);

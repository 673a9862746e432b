'use strict';
// Path discovery shared by build.js and binding.gyp (run as `node paths.js <what>` from gyp).
//
// - llama.cpp headers come from a clone of node-llama-cpp's git bundle, cached outside the repo
//   (DENSEBENCH_LLAMA_CPP_DIR, else $DENSEBENCH_CACHE_DIR or ~/.cache/densebench, + /llama.cpp-<tag>).
// - the prebuilt shared libraries come from the @node-llama-cpp/<platform>-<arch> package.
const fs = require('fs');
const os = require('os');
const path = require('path');

const nativeDir = __dirname;
const repoRoot = path.resolve(nativeDir, '..', '..', '..');

/** Directory of an installed package, found by walking up node_modules folders (ignores "exports"). */
function findPackageDir(name, from = nativeDir) {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function llamaCppInfo() {
  const pkg = findPackageDir('node-llama-cpp');
  if (!pkg) throw new Error('node-llama-cpp is not installed (run npm ci)');
  const info = JSON.parse(fs.readFileSync(path.join(pkg, 'llama', 'llama.cpp.info.json'), 'utf8'));
  return { tag: info.tag, bundle: path.join(pkg, 'llama', 'gitRelease.bundle') };
}

function cacheRoot() {
  return process.env.DENSEBENCH_CACHE_DIR || path.join(os.homedir(), '.cache', 'densebench');
}

/**
 * llama.cpp's own tools (llama-perplexity, llama-server, …) built by infra/llama-tools/build.js:
 * $LLAMA_CPP_TOOLS_DIR, else <cache>/llama.cpp; the binaries in its build/bin ($LLAMA_CPP_BIN_DIR names another).
 */
function llamaToolsDir() {
  return path.resolve(process.env.LLAMA_CPP_TOOLS_DIR || path.join(cacheRoot(), 'llama.cpp'));
}

function llamaToolsBinDir() {
  return path.resolve(process.env.LLAMA_CPP_BIN_DIR || path.join(llamaToolsDir(), 'build', 'bin'));
}

function llamaCppSourceDir() {
  if (process.env.DENSEBENCH_LLAMA_CPP_DIR) return path.resolve(process.env.DENSEBENCH_LLAMA_CPP_DIR);
  return path.join(cacheRoot(), `llama.cpp-${llamaCppInfo().tag}`);
}

function platformName() {
  const platform = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : process.platform;
  const suffix = process.platform === 'darwin' && process.arch === 'arm64' ? '-metal' : '';
  return `${platform}-${process.arch}${suffix}`;
}

/** The CPU prebuilt bins directory: node_modules/@node-llama-cpp/<name>/bins/<name>. */
function prebuiltBinsDir() {
  const name = platformName();
  const pkg = findPackageDir(`@node-llama-cpp/${name}`);
  if (!pkg) return null;
  const dir = path.join(pkg, 'bins', name);
  return fs.existsSync(dir) ? dir : null;
}

/** Linker inputs: the libllama / libggml / libggml-base shared libraries of the bins dir. */
function prebuiltLibraries(binsDir) {
  const files = fs.readdirSync(binsDir);
  const ext = process.platform === 'darwin' ? '.dylib' : '.so';
  const pick = (re) => {
    const hit = files.find((f) => re.test(f));
    if (!hit) throw new Error(`no library matching ${re} in ${binsDir}`);
    return hit;
  };
  const e = ext.replace('.', '\\.');
  return [
    pick(new RegExp(`^libllama(\\.v[\\d.]+)?${e}$`)),
    pick(new RegExp(`^libggml(\\.v[\\d.]+)?${e}$`)),
    pick(new RegExp(`^libggml-base${e}$`)),
  ];
}

module.exports = {
  nativeDir,
  repoRoot,
  findPackageDir,
  llamaCppInfo,
  llamaCppSourceDir,
  llamaToolsDir,
  llamaToolsBinDir,
  platformName,
  prebuiltBinsDir,
  prebuiltLibraries,
};

if (require.main === module) {
  // gyp command expansion: `node paths.js includes|libs|bins`
  const what = process.argv[2];
  const bins = prebuiltBinsDir();
  const src = llamaCppSourceDir();
  if (what === 'includes') {
    const napi = require(path.join(findPackageDir('node-addon-api'), 'index.js')).include_dir;
    process.stdout.write([napi, path.join(src, 'include'), path.join(src, 'ggml', 'include')].join('\n'));
  } else if (what === 'libs') {
    const libs = prebuiltLibraries(bins).map((f) => path.join(bins, f));
    const rpath = process.platform === 'win32' ? [] : [`-Wl,-rpath,${bins}`];
    process.stdout.write([...libs, ...rpath].join('\n'));
  } else if (what === 'bins') {
    process.stdout.write(bins || '');
  } else {
    process.stderr.write('usage: node paths.js includes|libs|bins\n');
    process.exit(2);
  }
}

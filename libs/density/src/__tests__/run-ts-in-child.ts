// Runs exported async functions of a TypeScript module in a child `node` process, outside jest, for code
// that needs real dynamic import() of ESM-only packages (vega, vega-lite). The child transpiles .ts files on
// require with the project's TypeScript (module node16 keeps import() as is) and resolves the @app/* aliases from
// tsconfig.json (the library's errors are @app/contracts' DomainException). Test helper, not built.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

const CHILD = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
(async () => {
  const job = JSON.parse(fs.readFileSync(0, 'utf8'));
  require('tsconfig-paths').register({ baseUrl: job.root, paths: require(job.root + '/tsconfig.json').compilerOptions.paths });
  const mod = require(job.module);
  const results = [];
  for (const call of job.calls) {
    const value = await mod[call.fn](...call.args);
    results.push(Buffer.isBuffer(value) ? { buffer: value.toString('base64') } : { value });
  }
  process.stdout.write(JSON.stringify(results));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export type ChildResult = string | Buffer | unknown;

export function callInChildProcess(modulePath: string, calls: Array<{ fn: string; args: unknown[] }>): ChildResult[] {
  const out = execFileSync(process.execPath, ['-e', CHILD], {
    input: JSON.stringify({ root: REPO_ROOT, module: modulePath, calls }),
    cwd: process.cwd(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return (JSON.parse(out.toString('utf8')) as Array<{ value?: unknown; buffer?: string }>).map((r) =>
    r.buffer !== undefined ? Buffer.from(r.buffer, 'base64') : r.value,
  );
}

// Runs exported async functions of a TypeScript module in a child `node` process, outside jest, for code
// that needs real dynamic import() of ESM-only packages (vega, vega-lite). The child transpiles .ts files on
// require with the project's TypeScript (module node16 keeps import() as is). Test helper, not built.
import { execFileSync } from 'node:child_process';

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
    input: JSON.stringify({ module: modulePath, calls }),
    cwd: process.cwd(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return (JSON.parse(out.toString('utf8')) as Array<{ value?: unknown; buffer?: string }>).map((r) =>
    r.buffer !== undefined ? Buffer.from(r.buffer, 'base64') : r.value,
  );
}

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kitDir, pathsConfigFrom, validateEnv } from '@app/config';
import { missingFileMessage } from '@app/files';
import { REPO_ROOT } from '@app/testing';
import { FakeHub } from '../libs/files/src/testing/fake-hub';

const COMMIT = 'e'.repeat(40);

/**
 * Before it starts anything, the demo looks up (or downloads, with a progress bar) every file the
 * run needs; what cannot be had ends it with the one message, no stack trace and exit code 2.
 */
describe('the demo checks its files before starting the stack', () => {
  let hub: FakeHub;
  const home = mkdtempSync(join(tmpdir(), 'demo-home-'));
  beforeAll(async () => {
    hub = await FakeHub.start();
    hub.addRepo({ id: 'karpathy/tinyllamas', refs: { main: COMMIT }, commits: { [COMMIT]: { 'stories260K.gguf': readFileSync(join(kitDir(), 'models', 'stories260K.gguf')) } } });
  });
  afterAll(() => hub.stop());

  const demo = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', HF_ENDPOINT: hub.endpoint };
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'densebench.js'), 'demo', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
  const noStackNoStart = (out: string) => {
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain('starting embedded PostgreSQL');
  };

  it('a model file found nowhere: the folders searched and the two ways to provide it', async () => {
    const { code, out } = await demo('--model', 'nope.gguf');
    const roots = pathsConfigFrom(validateEnv({ HOME: home, DENSEBENCH_HOME: join(home, '.densebench') })).modelRoots;
    expect(roots).toEqual(expect.arrayContaining([join(home, '.densebench', 'models'), join(kitDir(), 'models')]));
    expect({ code, out }).toEqual({ code: 2, out: `densebench demo: ${missingFileMessage('model', 'nope.gguf', roots)}\n` });
    noStackNoStart(out);
  });

  it('an hf:// model the Hub does not have', async () => {
    const { code, out } = await demo('--model', 'hf://karpathy/tinyllamas/nope.gguf');
    expect(code).toBe(2);
    expect(out).toContain(
      `densebench demo: model file hf://karpathy/tinyllamas/nope.gguf was not found in the Hugging Face cache ${join(home, '.cache', 'huggingface', 'hub')} ` +
        'and could not be downloaded: the repository karpathy/tinyllamas has no file nope.gguf at revision main (404 EntryNotFound). Provide it either way:',
    );
    noStackNoStart(out);
  });

  it('an hf:// model is downloaded with a progress bar into the Hugging Face cache under HOME', async () => {
    const { code, out } = await demo('--model', 'hf://karpathy/tinyllamas/stories260K.gguf', '--benchmark', 'no_such_benchmark');
    expect(out).toMatch(/hf:\/\/karpathy\/tinyllamas\/stories260K\.gguf \|█+\| 100% \| 1\.1 MB of 1\.1 MB/);
    expect(existsSync(join(home, '.cache', 'huggingface', 'hub', 'models--karpathy--tinyllamas', 'snapshots', COMMIT, 'stories260K.gguf'))).toBe(true);
    expect(code).toBe(2);
    expect(out).toContain('densebench demo: unknown benchmark "no_such_benchmark"');
    noStackNoStart(out);
  });
});

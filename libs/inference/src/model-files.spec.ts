import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendKind, ErrorCode } from '@app/contracts';
import { missingFileMessage } from '@app/files';
import { FakeHub, sha256Hex } from '../../files/src/testing/fake-hub';
import { resolveModelFile } from './model-files';

describe('resolveModelFile', () => {
  const base = mkdtempSync(join(tmpdir(), 'model-files-'));
  const roots = [join(base, 'env'), join(base, 'shared'), join(base, 'kit')];
  const ctx = { modelRoots: roots, cacheDir: join(base, 'cache'), policy: { allowedHosts: ['*'], allowPrivateAddresses: true } };
  mkdirSync(roots[1]);
  mkdirSync(roots[2]);
  writeFileSync(join(roots[1], 'm.gguf'), 'shared copy');
  writeFileSync(join(roots[2], 'm.gguf'), 'kit copy');
  writeFileSync(join(roots[2], 'kit-only.gguf'), 'kit only');

  it('finds a relative path in the first model folder holding it, and verifies a sha256', async () => {
    expect((await resolveModelFile({ kind: BackendKind.LlamaCpp, path: 'm.gguf' }, ctx)).path).toBe(join(roots[1], 'm.gguf'));
    const kit = await resolveModelFile({ kind: BackendKind.LlamaCpp, path: 'kit-only.gguf', sha256: sha256Hex(Buffer.from('kit only')) }, ctx);
    expect(kit.path).toBe(join(roots[2], 'kit-only.gguf'));
    await expect(resolveModelFile({ kind: BackendKind.LlamaCpp, path: 'm.gguf', sha256: '0'.repeat(64) }, ctx)).rejects.toMatchObject({ code: ErrorCode.InvalidInput });
  });

  it('a missing file fails with the one message naming the folders searched', async () => {
    await expect(resolveModelFile({ kind: BackendKind.LlamaCpp, path: 'ghost.gguf' }, ctx)).rejects.toMatchObject({
      code: ErrorCode.MissingResource,
      message: missingFileMessage('model', 'ghost.gguf', roots),
    });
  });

  it('downloads an hf:// model into the Hugging Face cache, with progress, checking the spec sha256', async () => {
    const hub = await FakeHub.start();
    try {
      const gguf = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(5000, 7)]);
      hub.addRepo({ id: 'owner/tiny', refs: { main: 'c'.repeat(40) }, commits: { ['c'.repeat(40)]: { 'tiny.gguf': gguf } } });
      const phases: string[] = [];
      const hubOpts = { endpoint: hub.endpoint, cacheDir: join(base, 'hf'), onProgress: (p: { phase: string }) => phases.push(p.phase) };
      const f = await resolveModelFile({ kind: BackendKind.LlamaCpp, url: 'hf://owner/tiny/tiny.gguf', sha256: sha256Hex(gguf) }, { ...ctx, hub: hubOpts });
      expect(f).toEqual({ path: join(base, 'hf', 'models--owner--tiny', 'snapshots', 'c'.repeat(40), 'tiny.gguf'), sha256: sha256Hex(gguf) });
      expect(phases[0]).toBe('start');
      expect(phases.at(-1)).toBe('done');
      const e = (await resolveModelFile({ kind: BackendKind.LlamaCpp, url: 'hf://owner/tiny/other.gguf' }, { ...ctx, hub: hubOpts }).catch((x: Error) => x)) as Error;
      expect(e.message).toContain(`model file hf://owner/tiny/other.gguf was not found in the Hugging Face cache ${join(base, 'hf')} and could not be downloaded`);
    } finally {
      await hub.stop();
    }
  });
});

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@app/contracts';
import { checkModelUrl, confinedModelPath, isPrivateAddress, SourcePolicy } from '../model-source-policy';

describe('model paths stay inside the model folders', () => {
  const base = mkdtempSync(join(tmpdir(), 'confined-'));
  const root = join(base, 'models');
  const outside = join(base, 'secret.gguf');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'sub', 'm.gguf'), 'model');
  writeFileSync(outside, 'not yours');
  symlinkSync(outside, join(root, 'escape.gguf'));
  symlinkSync(join(root, 'sub', 'm.gguf'), join(root, 'alias.gguf'));

  it('finds relative and absolute paths inside a folder, and symlinks that stay inside', async () => {
    expect(await confinedModelPath([root], 'sub/m.gguf')).toBe(join(root, 'sub', 'm.gguf'));
    expect(await confinedModelPath([root], join(root, 'sub', 'm.gguf'))).toBe(join(root, 'sub', 'm.gguf'));
    expect(await confinedModelPath([root], 'alias.gguf')).toBe(join(root, 'alias.gguf'));
    expect(await confinedModelPath([root], 'missing.gguf')).toBeUndefined();
  });

  it.each([
    ['a parent segment', '../secret.gguf', /may not contain "\.\."/],
    ['a parent segment deeper in', 'sub/../../secret.gguf', /may not contain "\.\."/],
    ['an absolute path elsewhere', '/etc/passwd', /is outside the model folders/],
    ['a symlink out of the folder', 'escape.gguf', /leads outside the model folder .* \(through a symlink\)/],
  ])('refuses %s', async (_what, path, message) => {
    await expect(confinedModelPath([root], path)).rejects.toMatchObject({ code: ErrorCode.InvalidInput, message: expect.stringMatching(message) });
  });
});

describe('model URLs: allowed schemes and hosts, no private addresses (nothing is sent: the resolver is given)', () => {
  const policy: SourcePolicy = { allowedHosts: ['models.example.org', 'huggingface.co'], allowPrivateAddresses: false };
  const resolver = (answers: Record<string, string[]>) =>
    (async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) as never;

  it('lets hf:// and s3:// through (the operator configures the Hub and the store), and public https hosts on the list', async () => {
    await expect(checkModelUrl('hf://owner/repo/m.gguf', policy)).resolves.toBeUndefined();
    await expect(checkModelUrl('s3://bucket/m.gguf', policy)).resolves.toBeUndefined();
    await expect(checkModelUrl('https://models.example.org/m.gguf', policy, resolver({ 'models.example.org': ['93.184.216.34'] }))).resolves.toBeUndefined();
  });

  it.each([
    ['http', 'http://models.example.org/m.gguf', /scheme must be https, s3 or hf/],
    ['file', 'file:///etc/passwd', /scheme must be https, s3 or hf/],
    ['a host not on the list', 'https://evil.example.com/m.gguf', /host evil\.example\.com is not allowed/],
  ])('refuses %s', async (_what, url, message) => {
    await expect(checkModelUrl(url, policy, resolver({}))).rejects.toMatchObject({ code: ErrorCode.InvalidInput, message: expect.stringMatching(message) });
  });

  it.each([
    ['loopback', '127.0.0.1'],
    ['private 10/8', '10.1.2.3'],
    ['private 192.168/16', '192.168.0.10'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unique local', 'fd00::5'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
  ])('refuses an allowed host resolving to %s', async (_what, address) => {
    const r = resolver({ 'models.example.org': ['93.184.216.34', address] });
    await expect(checkModelUrl('https://models.example.org/m.gguf', policy, r)).rejects.toMatchObject({ message: expect.stringContaining(`resolves to ${address}`) });
    await expect(checkModelUrl('https://models.example.org/m.gguf', { ...policy, allowPrivateAddresses: true }, r)).resolves.toBeUndefined();
  });

  it('refuses literal private addresses, with "*" hosts too', async () => {
    await expect(checkModelUrl('https://127.0.0.1:8443/m.gguf', { allowedHosts: ['*'], allowPrivateAddresses: false })).rejects.toMatchObject({ message: expect.stringContaining('resolves to 127.0.0.1') });
    await expect(checkModelUrl('https://[::1]/m.gguf', { allowedHosts: ['*'], allowPrivateAddresses: false })).rejects.toMatchObject({ message: expect.stringContaining('resolves to ::1') });
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
    expect(isPrivateAddress('172.16.0.1')).toBe(true);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
  });
});

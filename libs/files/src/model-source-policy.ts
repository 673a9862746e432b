import { lookup } from 'node:dns/promises';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import ipaddr from 'ipaddr.js';
import { DomainException, ErrorCode } from '@app/contracts';

/** Where a model may come from (set by the operator: WORKER_ALLOWED_MODEL_HOSTS, WORKER_ALLOW_PRIVATE_ADDRESSES). */
export interface SourcePolicy {
  /** Hosts an https:// model URL may name; ['*']: any. */
  allowedHosts: readonly string[];
  allowPrivateAddresses: boolean;
}

const refuse = (message: string, details: Record<string, unknown>) => new DomainException(ErrorCode.InvalidInput, message, details);

/**
 * The file a model `path` names, confined to the model folders: a relative path without `..`, or an absolute
 * path inside one of them, whose real path (symlinks resolved) is still inside that folder. Undefined when no
 * folder holds it; refused (InvalidInput) when it would leave them.
 */
export async function confinedModelPath(roots: readonly string[], path: string): Promise<string | undefined> {
  if (path.split(/[\\/]+/).includes('..')) throw refuse(`model path ${path} may not contain "..": name a file inside the model folders`, { path });
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (!realRoot) continue;
    const candidate = isAbsolute(path) ? path : join(root, path);
    if (isAbsolute(path) && !inside(root, candidate) && !inside(realRoot, candidate)) continue;
    const real = await realpath(candidate).catch(() => undefined);
    if (!real) continue;
    if (!inside(realRoot, real)) throw refuse(`model path ${path} leads outside the model folder ${root} (through a symlink)`, { path });
    // The path as named (messages and logs show the user's folders), now known to stay inside the folder.
    return candidate;
  }
  if (isAbsolute(path) && !roots.some((r) => inside(r, path))) {
    throw refuse(`model path ${path} is outside the model folders (${roots.join(', ')}): put the file in one, or name it relative to one`, { path });
  }
  return undefined;
}

const inside = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/** Address ranges a model URL may not reach unless the operator allows it. */
const PRIVATE_RANGES = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'unspecified', 'carrierGradeNat', 'broadcast', 'reserved', 'ipv4Mapped']);

/** True when an address is private, loopback, link-local or otherwise not a public internet address. */
export function isPrivateAddress(address: string): boolean {
  const ip = ipaddr.process(address);
  return PRIVATE_RANGES.has(ip.range());
}

/**
 * Checks a model URL against the policy before anything is sent: an allowed scheme (https, s3, hf), for https
 * an allowed host, and every address the host resolves to public unless private ones are allowed. hf:// goes to
 * the operator's configured Hub and s3:// to the operator's object store: their scheme is all that is checked.
 */
export async function checkModelUrl(url: string, policy: SourcePolicy, resolve: typeof lookup = lookup): Promise<void> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'hf' || scheme === 's3') return;
  if (scheme !== 'https') throw refuse(`model URL ${url}: the scheme must be https, s3 or hf`, { url });
  await checkHttpsTarget(new URL(url), policy, resolve);
}

async function checkHttpsTarget(u: URL, policy: SourcePolicy, resolve: typeof lookup): Promise<void> {
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!policy.allowedHosts.includes('*') && !policy.allowedHosts.includes(host)) {
    throw refuse(`model URL host ${host} is not allowed on this worker (WORKER_ALLOWED_MODEL_HOSTS: ${policy.allowedHosts.join(', ')})`, { url: u.href });
  }
  if (policy.allowPrivateAddresses) return;
  const addresses = ipaddr.isValid(host) ? [host] : (await resolve(host, { all: true })).map((a) => a.address);
  const bad = addresses.find(isPrivateAddress);
  if (bad) {
    throw refuse(`model URL ${u.href} resolves to ${bad}, a private, loopback or link-local address (allow with WORKER_ALLOW_PRIVATE_ADDRESSES)`, { url: u.href });
  }
}

/**
 * fetch of a model URL under the policy: every redirect is followed by hand and checked like the first URL,
 * so an allowed host cannot send the worker to a private address.
 */
export async function fetchConfined(url: string, policy: SourcePolicy, init: RequestInit = {}, resolve: typeof lookup = lookup): Promise<Response> {
  let target = url;
  for (let hop = 0; hop <= 5; hop++) {
    await checkModelUrl(target, policy, resolve);
    const res = await fetch(target, { ...init, redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    target = new URL(location, target).href;
  }
  throw refuse(`model URL ${url}: more than 5 redirects`, { url });
}

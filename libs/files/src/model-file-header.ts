import { DomainException, ErrorCode } from '@app/contracts';
import { GgufHeader, readGgufHeader } from './gguf-header';
import { HubOptions } from './hub/hf-download';
import { authHeader, fileMetadata } from './hub/hf-metadata';
import { isHubUri, parseHubUri } from './hub/hf-uri';
import { missingFileMessage } from './locate-file';
import { checkModelUrl, confinedModelPath, fetchConfined, SourcePolicy } from './model-source-policy';

/** The header of a model file, or why it could not be read although the file may exist (then nothing is refused). */
export type ModelFileCheck = { header: GgufHeader; file: string } | { header: null; file: string; unverified: string };

/**
 * Checks a llama-cpp model file at registration and reads its GGUF header, without downloading its weights:
 * a path must be in one of the model folders (MissingResource with the one message otherwise; InvalidInput when it
 * would leave them); a URL must pass the source policy (checkModelUrl); an hf:// file the
 * Hub says does not exist is refused the same way; its header is read with range requests. When the Hub or a URL
 * cannot be reached, or an s3:// object is named, the file is left to the workers (`unverified` says why).
 */
export async function checkModelFile(spec: { path?: string; url?: string }, o: { roots: readonly string[]; hub: HubOptions; policy: SourcePolicy }): Promise<ModelFileCheck> {
  if (spec.path !== undefined) {
    const found = await confinedModelPath(o.roots, spec.path);
    if (!found) throw new DomainException(ErrorCode.MissingResource, missingFileMessage('model', spec.path, o.roots), { path: spec.path, searched: o.roots });
    return { header: await readGgufHeader({ path: found }), file: found };
  }
  const url = spec.url ?? '';
  await checkModelUrl(url, o.policy);
  if (isHubUri(url)) {
    const meta = await fileMetadata(parseHubUri(url), o.hub);
    if (!meta.ok) {
      if (meta.failure.definitive) {
        throw new DomainException(ErrorCode.MissingResource, missingFileMessage('model', url, [], meta.failure.reason), { url });
      }
      return { header: null, file: url, unverified: meta.failure.reason };
    }
    const location = meta.meta.location;
    const hubFetch: typeof fetch = (input, init) =>
      (o.hub.fetch ?? fetch)(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...authHeader(o.hub, String(input)) } });
    return { header: await readGgufHeader({ url: location }, { fetch: hubFetch }), file: url };
  }
  if (/^https?:\/\//.test(url)) {
    try {
      const confined: typeof fetch = (input, init) => fetchConfined(String(input), o.policy, init);
      return { header: await readGgufHeader({ url }, { fetch: confined }), file: url };
    } catch (err) {
      return { header: null, file: url, unverified: (err as Error).message };
    }
  }
  return { header: null, file: url, unverified: 'an s3:// object is read by the workers only' };
}

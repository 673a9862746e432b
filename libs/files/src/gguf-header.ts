import { gguf } from '@huggingface/gguf';
import { DomainException, ErrorCode } from '@app/contracts';

/** What a GGUF file's header says about its model. */
export interface GgufHeader {
  /** Σ of every tensor's element count: the model's total parameters (tied embeddings counted once). */
  parameterCount: number;
  /** general.architecture (llama, gptneox, qwen2, …). */
  architecture: string | null;
  /** general.name, when the converter set one. */
  name: string | null;
}

/**
 * Reads the header of a GGUF file (its metadata and tensor table, not its weights) from a local path, or from a URL
 * with HTTP range requests (huggingface's own reader, @huggingface/gguf). Throws InvalidInput when the bytes are not
 * a GGUF header.
 */
export async function readGgufHeader(source: { path: string } | { url: string }, opts: { fetch?: typeof fetch } = {}): Promise<GgufHeader> {
  const where = 'path' in source ? source.path : source.url;
  let parsed: Awaited<ReturnType<typeof gguf>> & { parameterCount: number };
  try {
    parsed = 'path' in source
      ? await gguf(source.path, { allowLocalFile: true, computeParametersCount: true })
      : await gguf(source.url, { computeParametersCount: true, fetch: opts.fetch });
  } catch (err) {
    throw new DomainException(ErrorCode.InvalidInput, `${where} is not a readable GGUF file: ${(err as Error).message}`, { file: where });
  }
  const meta = parsed.metadata as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  return { parameterCount: parsed.parameterCount, architecture: text(meta['general.architecture']), name: text(meta['general.name']) };
}

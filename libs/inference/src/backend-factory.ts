import { BackendKind, BackendSpec, DomainException, ErrorCode } from '@app/contracts';
import { InferenceBackend } from './backend.interface';
import { LlamaCppBackend } from './backends/llama-cpp.backend';
import { ModelFileContext, resolveModelFile } from './model-files';
import { OpenAiBackend } from './openai/openai.backend';
import { OpenAiHttpOptions } from './openai/openai-http';
import { ArtifactReader, ReplayBackend } from './replay/replay.backend';

export interface BackendFactoryContext extends ModelFileContext {
  threads?: number;
  /** openai: defaults for what the spec leaves out (timeouts, retries, concurrency). */
  openai?: Pick<OpenAiHttpOptions, 'timeoutMs' | 'maxRetries' | 'backoffMs' | 'concurrency' | 'onRetry'>;
  /** openai: reads the environment variable a spec's apiKeyEnv names (through libs/config). */
  secret?: (name: string) => string | undefined;
  /** openai: the variables a spec's apiKeyEnv may name on this worker (WORKER_ALLOWED_API_KEY_ENVS). */
  allowedApiKeyEnvs?: readonly string[];
  /** replay: the artifact store holding the source run's samples. */
  artifacts?: ArtifactReader;
}

const OPENAI_DEFAULTS = { timeoutMs: 300_000, maxRetries: 5, backoffMs: 500, concurrency: 8 };

/** Creates the backend a model's spec asks for. */
export async function createBackend(spec: BackendSpec, ctx: BackendFactoryContext): Promise<InferenceBackend> {
  switch (spec.kind) {
    case BackendKind.LlamaCpp: {
      const file = await resolveModelFile(spec, ctx);
      try {
        return await LlamaCppBackend.load(file, { contextSize: spec.contextSize, gpuLayers: spec.gpuLayers, threads: ctx.threads });
      } catch (err) {
        throw new DomainException(ErrorCode.InvalidInput, `cannot load model ${file.path}: ${(err as Error).message}`, { path: file.path });
      }
    }
    case BackendKind.OpenAi: {
      let apiKey: string | undefined;
      if (spec.apiKeyEnv) {
        if (!(ctx.allowedApiKeyEnvs ?? []).includes(spec.apiKeyEnv)) {
          throw new DomainException(
            ErrorCode.InvalidInput,
            `the model's apiKeyEnv ${spec.apiKeyEnv} is not a variable this worker allows (WORKER_ALLOWED_API_KEY_ENVS: ${(ctx.allowedApiKeyEnvs ?? []).join(', ') || 'none'})`,
            { apiKeyEnv: spec.apiKeyEnv },
          );
        }
        apiKey = ctx.secret?.(spec.apiKeyEnv);
        if (!apiKey) {
          throw new DomainException(ErrorCode.InvalidInput, `the model's API key variable ${spec.apiKeyEnv} is not set on this worker`, { apiKeyEnv: spec.apiKeyEnv });
        }
      }
      return OpenAiBackend.connect(spec, { ...OPENAI_DEFAULTS, ...ctx.openai, apiKey, signal: ctx.signal });
    }
    case BackendKind.Replay: {
      if (!ctx.artifacts) throw new DomainException(ErrorCode.InvalidInput, 'the replay backend needs the artifact store');
      return ReplayBackend.open(spec, ctx.artifacts, ctx.signal);
    }
    default:
      throw new DomainException(ErrorCode.InvalidInput, `backend ${(spec as { kind: string }).kind} is not available on this worker`);
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { BackendKind, IMPORTED_BACKEND_KIND } from '@app/contracts';

const KINDS = [...Object.values(BackendKind), IMPORTED_BACKEND_KIND];

/** One DTO for every backend kind; the fields each kind needs are required only for that kind. */
export class BackendSpecDto {
  @ApiProperty({
    enum: KINDS,
    example: BackendKind.LlamaCpp,
    description: 'imported: a model with published numbers only (imports, given measurements of a reference family); runs of it are refused',
  })
  @IsIn(KINDS)
  kind!: BackendKind | typeof IMPORTED_BACKEND_KIND;

  @ApiPropertyOptional({ description: 'llama-cpp: GGUF path, absolute or relative to the worker models dir', example: 'stories260K.gguf' })
  @ValidateIf((o: BackendSpecDto) => o.kind === BackendKind.LlamaCpp && o.url === undefined)
  @IsString() @MinLength(1)
  path?: string;

  @ApiPropertyOptional({ description: 'llama-cpp: s3://, http(s):// or hf:// URL of the GGUF file' })
  @ValidateIf((o: BackendSpecDto) => o.kind === BackendKind.LlamaCpp && o.path === undefined)
  @Matches(/^(s3|https?|hf):\/\/.+/, { message: 'url must be an s3://, http(s):// or hf:// URL' })
  url?: string;

  @ApiPropertyOptional({ description: 'expected sha256 of the GGUF file' })
  @IsOptional() @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256?: string;

  @ApiPropertyOptional({ minimum: 16, description: 'llama-cpp: context to allocate; openai: the server model\'s context (default: what /v1/models reports)' })
  @IsOptional() @IsInt() @Min(16) @Max(1_048_576)
  contextSize?: number;

  @ApiPropertyOptional({ minimum: -1 })
  @IsOptional() @IsInt() @Min(-1)
  gpuLayers?: number;

  @ApiPropertyOptional({ description: 'openai: base URL of the OpenAI-compatible server' })
  @ValidateIf((o: BackendSpecDto) => o.kind === BackendKind.OpenAi)
  @IsUrl({ require_tld: false, require_protocol: true })
  baseUrl?: string;

  @ApiPropertyOptional({ description: 'openai: model name on the server' })
  @ValidateIf((o: BackendSpecDto) => o.kind === BackendKind.OpenAi)
  @IsString() @MinLength(1)
  model?: string;

  @ApiPropertyOptional({ description: 'openai: env var on the worker holding the API key' })
  @IsOptional() @Matches(/^[A-Z_][A-Z0-9_]*$/, { message: 'apiKeyEnv must be an environment variable name' })
  apiKeyEnv?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() revision?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() tokenizer?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'openai: requests in flight at once (default: the worker\'s WORKER_OPENAI_CONCURRENCY)' })
  @IsOptional() @IsInt() @Min(1) @Max(1024)
  maxConcurrency?: number;

  @ApiPropertyOptional({ enum: ['completions', 'chat'], description: 'openai: completions (default; log-likelihoods through echo + logprobs) or chat (generation only)' })
  @IsOptional() @IsIn(['completions', 'chat'])
  api?: 'completions' | 'chat';

  @ApiPropertyOptional({ enum: ['auto', 'server', 'offsets'], description: "openai: find continuation tokens with the server's /tokenize, or with logprobs.text_offset (default auto)" })
  @IsOptional() @IsIn(['auto', 'server', 'offsets'])
  tokenize?: 'auto' | 'server' | 'offsets';

  @ApiPropertyOptional({ minimum: 100, description: 'openai: per-request timeout in ms (default: WORKER_OPENAI_TIMEOUT_MS)' })
  @IsOptional() @IsInt() @Min(100) @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'openai: retries on 429/5xx/timeouts/connection errors (default: WORKER_OPENAI_MAX_RETRIES)' })
  @IsOptional() @IsInt() @Min(0) @Max(20)
  maxRetries?: number;

  @ApiPropertyOptional({ description: 'replay: the run whose outputs are replayed' })
  @ValidateIf((o: BackendSpecDto) => o.kind === BackendKind.Replay)
  @IsUUID()
  sourceRunId?: string;
}

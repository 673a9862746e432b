// The openai backend against the real llama.cpp server (llama-server), when it is installed:
// /tokenize and /v1/models are read, greedy generation equals our in-process llama-cpp backend, and
// log-likelihood requests fail clearly (llama-server does not echo prompt logprobs). Skipped when the
// binary is absent (LLAMA_SERVER overrides its location).
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'path';
import { BackendKind, DomainException, ErrorCode, GenerateRequest } from '@app/contracts';
import { LlamaCppBackend } from '../backends/llama-cpp.backend';
import { OpenAiBackend } from './openai.backend';
import { MODELS_DIR, LLAMA_TOOLS_BIN } from '@app/testing/paths';

const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const LLAMA_SERVER = process.env.LLAMA_SERVER ?? path.join(LLAMA_TOOLS_BIN, 'llama-server');
const available = existsSync(LLAMA_SERVER) && existsSync(STORIES);

jest.setTimeout(120_000);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

(available ? describe : describe.skip)('openai backend against the real llama-server', () => {
  let child: ChildProcess;
  let output = '';
  let baseUrl: string;
  let local: LlamaCppBackend;

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(LLAMA_SERVER, ['-m', STORIES, '--host', '127.0.0.1', '--port', String(port), '-c', '2048', '-np', '1', '-t', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    baseUrl = `http://127.0.0.1:${port}/v1`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`llama-server did not start:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    local = await LlamaCppBackend.load({ path: STORIES, sha256: 'test' }, { contextSize: 2048, threads: 1 });
  });

  afterAll(async () => {
    await local?.dispose();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  const connect = () => OpenAiBackend.connect({ kind: BackendKind.OpenAi, baseUrl, model: 'stories260K' }, { timeoutMs: 30_000, maxRetries: 2, backoffMs: 50, concurrency: 1 });

  it('uses /tokenize and the context size from /v1/models', async () => {
    const b = await connect();
    expect(b.info.details.tokenize).toBe('server');
    expect(b.info.contextSize).toBe(2048);
    expect(b.info.engine).toBe('llamacpp');
  });

  it('greedy generation equals the in-process llama-cpp backend', async () => {
    const b = await connect();
    const reqs: GenerateRequest[] = [
      { context: 'Once upon a time, there was a little girl named Lily.', until: ['\n\n'], maxTokens: 40, temperature: 0 },
      { context: 'Tom had a red ball. He', until: ['.'], maxTokens: 40, temperature: 0 },
    ];
    const [remote, ref] = await Promise.all([b.generateUntil(reqs), local.generateUntil(reqs)]);
    expect(remote.map((r) => r.text)).toEqual(ref.map((r) => r.text));
    expect(remote[0].outputTokens).toBeGreaterThan(0);
    expect(remote[0].inputTokens).toBe(ref[0].inputTokens);
    expect(remote[0].ttftMs).toBeLessThanOrEqual(remote[0].totalMs);
  });

  it('refuses log-likelihoods with a clear error: llama-server does not echo prompt logprobs', async () => {
    const b = await connect();
    const err = await b.loglikelihood([{ context: 'Once upon a time', continuation: ' there' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect((err as DomainException).code).toBe(ErrorCode.InvalidInput);
    expect((err as Error).message).toMatch(/no prompt logprobs for echo: true/);
  });
});

import { DomainException, ErrorCode, GenerateResult } from '@app/contracts';

/** What a streamed (or plain) completions / chat completions answer has said so far. */
export interface StreamState {
  text: string;
  /** Events that carried text (≈ tokens, when the server sends no usage). */
  chunks: number;
  finish: string | null;
  usage: { prompt_tokens?: number; completion_tokens?: number } | null;
}

export const newStreamState = (): StreamState => ({ text: '', chunks: 0, finish: null, usage: null });

interface Choice {
  text?: string;
  delta?: { content?: string | null };
  message?: { content?: string | null };
  finish_reason?: string | null;
}

/** Folds one event (or a whole non-streamed answer) into the state; true when it carried text. */
export function streamEvent(state: StreamState, json: unknown): boolean {
  const ev = json as { choices?: Choice[]; usage?: StreamState['usage'] };
  if (ev?.usage) state.usage = ev.usage;
  const choice = ev?.choices?.[0];
  if (!choice) return false;
  if (choice.finish_reason) state.finish = choice.finish_reason;
  const piece = choice.text ?? choice.delta?.content ?? choice.message?.content ?? '';
  if (!piece) return false;
  state.text += piece;
  state.chunks++;
  return true;
}

/** lm-eval's until handling: the text is cut before the first stop sequence (servers only take 4). */
export function cutAtStop(text: string, stop: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

export function finishReason(server: string | null, cutHere: boolean): GenerateResult['finishReason'] {
  if (cutHere) return 'stop';
  if (server === 'length') return 'length';
  // OpenAI's "stop" covers both a stop sequence and the end-of-generation token.
  return 'stop';
}

/** Chat endpoints give no prompt logprobs: say so, as lm-evaluation-harness does. */
export function chatOnly(requestType: string): DomainException {
  return new DomainException(
    ErrorCode.InvalidInput,
    `${requestType} requests cannot be answered through a chat-completions endpoint: chat APIs return no prompt logprobs ` +
      '(see lm-evaluation-harness issues #942 and #1196). Register the model with api "completions" against a server ' +
      'that echoes prompt logprobs (vLLM, SGLang, llama-cpp-python), or use a generate_until benchmark.',
    { requestType },
  );
}

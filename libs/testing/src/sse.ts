import { createParser, EventSourceMessage } from 'eventsource-parser';

/**
 * Reads a server-sent event stream with fetch (as the dashboard does: EventSource cannot send an
 * Authorization header), calling onEvent for each event until the server closes the stream.
 */
export async function readEvents(url: string, onEvent: (e: EventSourceMessage) => void, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers } });
  if (!res.ok || !res.body) return res;
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return res;
}

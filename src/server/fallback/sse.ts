/**
 * Server-sent events for the fallback chat stream: one frame per event (`event: <name>\ndata: <json>\n\n`;
 * JSON escapes newlines, so the data is always one line), and a `: keep-alive` comment whenever nothing
 * was sent for a while (a search can take seconds; proxies close silent connections).
 */
export const KEEP_ALIVE_MS = 10_000;

export interface SseEvent {
  event: string;
  data: unknown;
}

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

export function sseFrame({ event, data }: SseEvent): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Encodes events as they come, adding keep-alive comments while the source is silent for `keepAliveMs`. */
export async function* sseStream(events: AsyncIterable<SseEvent>, keepAliveMs = KEEP_ALIVE_MS): AsyncGenerator<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]();
  let pending = iterator.next();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), keepAliveMs)));
      const next = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (next === 'tick') {
        yield KEEP_ALIVE;
        continue;
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield sseFrame(next.value);
      pending = iterator.next();
    }
  } finally {
    // Stopped early (the client left): let the source clean up, without waiting for its current step.
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

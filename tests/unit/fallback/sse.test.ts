/** SSE framing for the fallback chat stream, and keep-alive comments while the source is silent. */
import { describe, expect, it } from 'vitest';
import { createParser } from 'eventsource-parser';
import { sseFrame, sseStream, type SseEvent } from '../../../src/server/fallback/sse';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('SSE frames', () => {
  it('encodes one event as `event:` + one `data:` line of JSON + a blank line', () => {
    expect(text(sseFrame({ event: 'delta', data: { text: 'Hello' } }))).toBe('event: delta\ndata: {"text":"Hello"}\n\n');
  });

  it('keeps multi-line text in one data line that a standard SSE parser reads back exactly', () => {
    const data = { text: 'line one\nline two\r\n\n: not a comment\nevent: fake' };
    const frame = text(sseFrame({ event: 'delta', data }));
    expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1);
    const seen: Array<{ event?: string; data: string }> = [];
    const parser = createParser({ onEvent: (e) => seen.push({ event: e.event, data: e.data }) });
    parser.feed(frame);
    expect(seen).toEqual([{ event: 'delta', data: JSON.stringify(data) }]);
    expect(JSON.parse(seen[0]!.data)).toEqual(data);
  });
});

describe('sseStream', () => {
  it('passes events through in order and adds `: keep-alive` comments while the source is silent', async () => {
    async function* source(): AsyncGenerator<SseEvent> {
      yield { event: 'search', data: { callId: 'c1', query: 'EU AI Act' } };
      await new Promise((r) => setTimeout(r, 130)); // a slow search
      yield { event: 'done', data: { finishReason: 'stop' } };
    }
    let out = '';
    for await (const chunk of sseStream(source(), 40)) out += text(chunk);
    expect(out.startsWith('event: search\n')).toBe(true);
    expect(out.endsWith('event: done\ndata: {"finishReason":"stop"}\n\n')).toBe(true);
    const comments = out.match(/^: keep-alive\n\n/gm) ?? [];
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(comments.length).toBeLessThanOrEqual(4);
  });

  it('closes the source when the reader stops early (the client left)', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<SseEvent> {
      try {
        yield { event: 'delta', data: { text: 'a' } };
        yield { event: 'delta', data: { text: 'b' } };
      } finally {
        closed = true;
      }
    }
    for await (const _ of sseStream(source(), 1_000)) break;
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
  });
});

/**
 * The fallback endpoints' client against a fake fetch: SSE frames split anywhere (mid-line, mid-UTF-8
 * character, comments between), the API's JSON errors, time limits, and `/speech` PCM split on odd bytes.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent } from '../../../../src/lib/voice-agent/fallback/chat-events';
import { createFallbackApi, FALLBACK_ENDPOINTS } from '../../../../src/lib/voice-agent/fallback/fallback-api';

const encoder = new TextEncoder();

/** A streamed body from these byte chunks; `hold` keeps it open afterwards (a stalled server). */
function streamOf(chunks: Uint8Array[], options: { hold?: boolean } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else if (!options.hold) controller.close();
      else return new Promise(() => undefined);
    },
  });
}

/** Cut `text` into UTF-8 byte chunks of `size` (splitting characters and lines anywhere). */
function bytesIn(text: string, size: number): Uint8Array[] {
  const all = encoder.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => respond(String(input), init ?? {}));
}

function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ success: false, error: { code, message } }), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

const searchResult = { answer: 'Anchoring works.', citations: [{ title: 'HBR', url: 'https://hbr.org/a' }, { title: 'bad', url: 'javascript:alert(1)' }], provider: 'openai', cached: false, stale: false };

describe('streamChat', () => {
  const body =
    sse('search', { callId: 'c1', query: 'anchoring in negotiation' }) +
    ': keep-alive\n\n' +
    sse('search_result', { callId: 'c1', result: searchResult }) +
    sse('delta', { text: 'Anchoring — ' }) +
    sse('delta', { text: 'set the first number. Café ☕ talk.' }) +
    sse('mystery', { whatever: true }) +
    sse('done', { finishReason: 'stop', usage: { inputTokens: 120, outputTokens: 40 }, searchRounds: 1 });

  for (const size of [1, 3, 17, 4096]) {
    it(`parses every event, whatever the chunking (${size} bytes)`, async () => {
      const doFetch = fakeFetch(() => new Response(streamOf(bytesIn(body, size)), { headers: { 'Content-Type': 'text/event-stream' } }));
      const api = createFallbackApi({ fetch: doFetch });
      const events: ChatEvent[] = [];
      const result = await api.streamChat([{ role: 'user', content: 'How do I anchor?' }], 'fb_token', { onEvent: (e) => events.push(e) });

      expect(result).toEqual({ ok: true, data: { finishReason: 'stop', usage: { inputTokens: 120, outputTokens: 40 }, searchRounds: 1 }, meta: { status: 200, clockSkewMs: 0 } });
      expect(events.map((e) => e.type)).toEqual(['search', 'search_result', 'delta', 'delta', 'done']);
      expect(events[1]).toEqual({ type: 'search_result', callId: 'c1', result: { ...searchResult, citations: [{ title: 'HBR', url: 'https://hbr.org/a' }] } });
      expect(events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text).join('')).toBe('Anchoring — set the first number. Café ☕ talk.');

      const [url, init] = doFetch.mock.calls[0]!;
      expect(url).toBe(FALLBACK_ENDPOINTS.chat);
      expect(init?.method).toBe('POST');
      expect(init?.headers).toMatchObject({ Authorization: 'Bearer fb_token', 'Content-Type': 'application/json' });
      expect(JSON.parse(String(init?.body))).toEqual({ messages: [{ role: 'user', content: 'How do I anchor?' }] });
    });
  }

  it('ends with the server’s error event; text sent before it was delivered', async () => {
    const text = sse('delta', { text: 'Partial ' }) + sse('error', { code: 'upstream_error', message: 'The coach could not finish.' }) + sse('delta', { text: 'late' });
    const api = createFallbackApi({ fetch: fakeFetch(() => new Response(streamOf(bytesIn(text, 10)), { headers: { 'Content-Type': 'text/event-stream' } })) });
    const events: ChatEvent[] = [];
    const result = await api.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: (e) => events.push(e) });
    expect(result).toEqual({ ok: false, error: { kind: 'http', code: 'upstream_error', message: 'The coach could not finish.' } });
    expect(events.map((e) => e.type)).toEqual(['delta', 'error']);
  });

  it('maps the API’s JSON error, with Retry-After', async () => {
    const api = createFallbackApi({ fetch: fakeFetch(() => jsonError(429, 'rate_limited', 'Too many requests. Try again in 12 seconds.', { 'Retry-After': '12' })) });
    const result = await api.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: () => undefined });
    expect(result).toEqual({ ok: false, error: { kind: 'http', status: 429, code: 'rate_limited', message: 'Too many requests. Try again in 12 seconds.', retryAfterSeconds: 12 } });
  });

  it('reports a stream cut off before `done`, and a stalled one after its idle limit', async () => {
    const cut = createFallbackApi({ fetch: fakeFetch(() => new Response(streamOf(bytesIn(sse('delta', { text: 'Hal' }), 5)), { headers: { 'Content-Type': 'text/event-stream' } })) });
    expect(await cut.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: () => undefined })).toMatchObject({ ok: false, error: { kind: 'network' } });

    const stalled = createFallbackApi({
      fetch: fakeFetch(() => new Response(streamOf(bytesIn(sse('delta', { text: 'Hal' }), 5), { hold: true }), { headers: { 'Content-Type': 'text/event-stream' } })),
      timeouts: { chatIdleMs: 30 },
    });
    expect(await stalled.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: () => undefined })).toMatchObject({ ok: false, error: { kind: 'timeout' } });
  });

  it('says "cancelled" when the caller aborts, and "unreachable" when fetch throws', async () => {
    const controller = new AbortController();
    const api = createFallbackApi({ fetch: fakeFetch(() => new Response(streamOf([], { hold: true }), { headers: { 'Content-Type': 'text/event-stream' } })) });
    const pending = api.streamChat([{ role: 'user', content: 'Hi' }], 't', { signal: controller.signal, onEvent: () => undefined });
    controller.abort();
    expect(await pending).toEqual({ ok: false, error: { kind: 'network', message: 'Request cancelled' } });

    const down = createFallbackApi({ fetch: fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))) });
    expect(await down.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: () => undefined })).toEqual({ ok: false, error: { kind: 'network', message: 'The server could not be reached' } });
  });
});

describe('transcribe', () => {
  it('uploads the WAV as multipart `file` with the token, and reads the text', async () => {
    let form: FormData | undefined;
    const doFetch = fakeFetch((_url, init) => {
      form = init.body as FormData;
      return Response.json({ text: 'I want a raise.', durationMs: 1830 });
    });
    const api = createFallbackApi({ fetch: doFetch });
    const wav = new Blob([new Uint8Array(44)], { type: 'audio/wav' });
    const result = await api.transcribe(wav, 'fb_token', undefined, { language: 'en' });
    expect(result).toMatchObject({ ok: true, data: { text: 'I want a raise.', durationMs: 1830 } });
    expect(doFetch.mock.calls[0]![0]).toBe(FALLBACK_ENDPOINTS.transcribe);
    expect(doFetch.mock.calls[0]![1]?.headers).toMatchObject({ Authorization: 'Bearer fb_token' });
    expect(doFetch.mock.calls[0]![1]?.headers).not.toHaveProperty('Content-Type'); // the browser sets the boundary
    const file = form?.get('file') as File;
    expect(file.type).toBe('audio/wav');
    expect(file.size).toBe(44);
    expect(form?.get('language')).toBe('en');
  });

  it('maps an expired token and an unexpected body', async () => {
    const expired = createFallbackApi({ fetch: fakeFetch(() => jsonError(401, 'token_expired', 'The token has expired.', { 'WWW-Authenticate': 'Bearer' })) });
    expect(await expired.transcribe(new Blob([]), 't')).toEqual({ ok: false, error: { kind: 'http', status: 401, code: 'token_expired', message: 'The token has expired.' } });
    const odd = createFallbackApi({ fetch: fakeFetch(() => Response.json({ transcript: 'x' })) });
    expect(await odd.transcribe(new Blob([]), 't')).toMatchObject({ ok: false, error: { kind: 'invalid-response', status: 200 } });
  });
});

describe('fetchSpeech', () => {
  const samples = Int16Array.from({ length: 1_001 }, (_, i) => ((i * 97) % 65_536) - 32_768);
  const bytes = new Uint8Array(samples.buffer.slice(0));

  it('yields whole samples however the bytes were split (odd chunks included)', async () => {
    for (const size of [1, 3, 7, 64, 2_001]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const doFetch = fakeFetch(() => new Response(streamOf(chunks), { headers: { 'Content-Type': 'audio/pcm;rate=24000;channels=1' } }));
      const result = await createFallbackApi({ fetch: doFetch }).fetchSpeech('Hello there.', 't');
      if (!result.ok) throw new Error(result.error.message);
      const received: number[] = [];
      for await (const chunk of result.data) received.push(...chunk);
      expect(received).toEqual([...samples]);
      expect(result.data.failure()).toBeUndefined();
      expect(JSON.parse(String(doFetch.mock.calls[0]![1]?.body))).toEqual({ text: 'Hello there.' });
    }
  });

  it('ends the iteration when aborted, and reports why', async () => {
    const controller = new AbortController();
    const api = createFallbackApi({ fetch: fakeFetch(() => new Response(streamOf([bytes.slice(0, 480)], { hold: true }), { headers: { 'Content-Type': 'audio/pcm' } })) });
    const result = await api.fetchSpeech('Hello.', 't', controller.signal);
    if (!result.ok) throw new Error(result.error.message);
    const seen: number[] = [];
    for await (const chunk of result.data) {
      seen.push(chunk.length);
      controller.abort();
    }
    expect(seen).toEqual([240]);
    expect(result.data.failure()).toEqual({ kind: 'network', message: 'Request cancelled' });
  });

  it('maps errors and refuses a body that is not audio', async () => {
    const busy = createFallbackApi({ fetch: fakeFetch(() => jsonError(503, 'upstream_busy', 'The coach is busy right now.', { 'Retry-After': '3' })) });
    expect(await busy.fetchSpeech('Hi.', 't')).toMatchObject({ ok: false, error: { status: 503, code: 'upstream_busy', retryAfterSeconds: 3 } });
    const html = createFallbackApi({ fetch: fakeFetch(() => new Response('<html>', { headers: { 'Content-Type': 'text/html' } })) });
    expect(await html.fetchSpeech('Hi.', 't')).toMatchObject({ ok: false, error: { kind: 'invalid-response' } });
  });
});

describe('a metered session the server has ended', () => {
  const ended = () =>
    Response.json({ success: false, error: { code: 'session_ended', message: 'This session reached its 30-minute limit.' }, reason: 'session_minutes' }, { status: 403 });

  it('is refused by every endpoint with the server\'s words and why', async () => {
    const api = createFallbackApi({ fetch: fakeFetch(ended) });
    const refusal = { kind: 'http', status: 403, code: 'session_ended', message: 'This session reached its 30-minute limit.', reason: 'session_minutes' };
    expect(await api.transcribe(new Blob([]), 't')).toEqual({ ok: false, error: refusal });
    expect(await api.streamChat([{ role: 'user', content: 'Hi' }], 't', { onEvent: () => undefined })).toEqual({ ok: false, error: refusal });
    expect(await api.fetchSpeech('Hi.', 't')).toEqual({ ok: false, error: refusal });
  });

  it('keeps `reason` for that refusal only', async () => {
    const other = createFallbackApi({ fetch: fakeFetch(() => Response.json({ success: false, error: { code: 'wrong_mode', message: 'x' }, reason: 'y' }, { status: 403 })) });
    expect(await other.transcribe(new Blob([]), 't')).toEqual({ ok: false, error: { kind: 'http', status: 403, code: 'wrong_mode', message: 'x' } });
  });
});

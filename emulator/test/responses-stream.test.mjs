import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, client, rejectionOf, start } from './helpers.mjs';
import { QUERY, base, expectCitations, postResponses, textPart } from './responses-helpers.mjs';

describe('POST /v1/responses: streaming and faults', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  const post = (body, key = REALTIME_KEY) => postResponses(emu, body, key);

  it('streaming: documented event order, increasing sequence numbers, deltas add up', async () => {
    const stream = await client(emu).responses.create({ ...base, stream: true });
    /** @type {any[]} */
    const events = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 9)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added',
      'response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed',
      'response.output_item.done', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const middle = types.slice(9, -4);
    expect(new Set(middle)).toEqual(new Set(['response.output_text.delta', 'response.output_text.annotation.added']));
    expect(middle[0]).toBe('response.output_text.delta');
    expect(middle.filter((t) => t.endsWith('.delta')).length).toBeGreaterThan(3);
    events.forEach((e, i) => expect(e.sequence_number).toBe(i));

    expect(events[0].response).toMatchObject({ status: 'in_progress', output: [] });
    expect(events[2].item).toMatchObject({ type: 'web_search_call', status: 'in_progress' });
    expect(events[3]).toMatchObject({ item_id: events[2].item.id, output_index: 0 });
    expect(events[7].item).toMatchObject({ type: 'message', status: 'in_progress', content: [] });

    const final = events.at(-1).response;
    const part = textPart(final);
    let sent = '';
    /** @type {any[]} */
    const annotations = [];
    for (const e of events) {
      if (e.type === 'response.output_text.delta') {
        expect(e).toMatchObject({ item_id: final.output[1].id, output_index: 1, content_index: 0 });
        sent += e.delta;
      }
      if (e.type === 'response.output_text.annotation.added') {
        expect(e.annotation_index).toBe(annotations.length);
        expect(sent.length).toBeGreaterThanOrEqual(e.annotation.end_index); // the cited span was already sent
        annotations.push(e.annotation);
      }
    }
    expect(sent).toBe(part.text);
    expect(annotations).toEqual(part.annotations);
    expect(events.find((e) => e.type === 'response.output_text.done').text).toBe(part.text);
    expectCitations(part);
    expect(final.status).toBe('completed');
    expect(final).not.toHaveProperty('output_text');
    expect(part).toEqual(textPart(await client(emu).responses.create(base))); // same as non-streaming
  });

  it('raw SSE framing: event line named after the data type', async () => {
    const r = await post({ ...base, stream: true });
    expect(r.status).toBe(200);
    expect(r.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.res.headers.get('x-request-id')).toMatch(/^req_/);
    const frames = r.text.split('\n\n').filter(Boolean);
    for (const f of frames) {
      const m = /^event: (\S+)\ndata: (.+)$/.exec(f);
      expect(m).not.toBeNull();
      expect(JSON.parse(/** @type {any} */ (m)[2]).type).toBe(/** @type {any} */ (m)[1]);
    }
    expect(frames.at(-1)).toMatch(/^event: response\.completed\n/);
  });

  it('client.responses.stream() helper: finalResponse() and annotation events', async () => {
    const stream = client(emu).responses.stream({ ...base, tools: [{ type: 'web_search', search_context_size: 'high' }] });
    /** @type {any[]} */
    const added = [];
    stream.on('response.output_text.annotation.added', (e) => added.push(e.annotation));
    const r = await stream.finalResponse();
    expect(r.status).toBe('completed');
    expect(r.output_text).toBe(textPart(r).text);
    expect(textPart(r).annotations).toHaveLength(3);
    expect(added).toEqual(textPart(r).annotations);
    expectCitations(textPart(r));
  });

  it('streaming an incomplete answer ends with response.incomplete', async () => {
    const r = await post({ model: 'gpt-5.4', input: QUERY, stream: true, max_output_tokens: 20 });
    expect(r.text.trimEnd().split('\n\n').at(-1)).toMatch(/^event: response\.incomplete\n/);
  });

  describe('faults on route "responses"', () => {
    it('429 with Retry-After → RateLimitError (also for stream: true)', async () => {
      emu.setFaults({ route: 'responses', status: 429, retryAfter: 3 });
      const e = await rejectionOf(client(emu).responses.create(base));
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.code).toBe('rate_limit_exceeded');
      expect(e.headers.get('retry-after')).toBe('3');
      expect(await rejectionOf(client(emu).responses.create({ ...base, stream: true }))).toBeInstanceOf(OpenAI.RateLimitError);
      expect(emu.stats().counts.responses).toBe(2);
    });

    it('500 → InternalServerError; the SDK retry succeeds once the fault clears', async () => {
      emu.setFaults({ route: 'responses', status: 500, times: 1 });
      expect(await rejectionOf(client(emu).responses.create(base))).toBeInstanceOf(OpenAI.InternalServerError);
      emu.setFaults({ route: 'responses', status: 500, times: 1, headers: { 'retry-after-ms': '10' } });
      const r = await client(emu, { maxRetries: 1 }).responses.create(base);
      expect(r.status).toBe('completed');
    });

    it('404 fault names the requested model; the scope leaves other routes alone', async () => {
      emu.setFaults({ route: 'responses', status: 404 });
      const e = await rejectionOf(client(emu).responses.create(base));
      expect(e).toBeInstanceOf(OpenAI.NotFoundError);
      expect(e.error.message).toBe('The model `gpt-5.4` does not exist or you do not have access to it.');
      await client(emu).models.list();
    });

    it('hang → the client times out; the server stays healthy', async () => {
      emu.setFaults({ route: 'responses', hang: true, times: 1 });
      const e = await rejectionOf(client(emu, { timeout: 300 }).responses.create(base));
      expect(e).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect((await client(emu).responses.create(base)).status).toBe('completed');
    });

    it('latencyMs delays a streamed answer', async () => {
      emu.setFaults({ route: 'responses', latencyMs: 120 });
      const t0 = performance.now();
      const r = await client(emu).responses.stream(base).finalResponse();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
      expect(r.status).toBe('completed');
    });
  });
});

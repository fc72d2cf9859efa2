// POST /v1/chat/completions against the official openai client: replies, tool calls, streaming, faults.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COACHING_LINES, TOOL_FOLLOW_UP } from '../lib/chat-build.mjs';
import { REALTIME_KEY, STANDARD_KEY, client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

const MODEL = 'gpt-4o-mini';
const SEARCH_TOOL = { type: 'function', function: { name: 'web_search', description: 'Search the web',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } };
const ASK = 'Can you check what the EU AI Act requires for high-risk systems?';
const user = (content) => ({ role: 'user', content });

describe('POST /v1/chat/completions', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start({ fallbackConfig: { chatChunkMs: 1 } });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  const std = (o = {}) => client(emu, { apiKey: STANDARD_KEY, ...o });
  const post = (body, key = STANDARD_KEY) => raw(emu, '/v1/chat/completions', {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('answers with 2–4 scripted coaching sentences, deterministically, with usage and OpenAI headers', async () => {
    const messages = [{ role: 'system', content: 'You are an executive coach.' }, user('How do I get my leadership team on board?')];
    const { data: r, response } = await std().chat.completions.create({ model: MODEL, messages }).withResponse();
    expect(r).toMatchObject({ object: 'chat.completion', model: MODEL, system_fingerprint: expect.stringMatching(/^fp_/) });
    expect(r.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(Math.abs(r.created - Date.now() / 1000)).toBeLessThan(5);
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', refusal: null } });
    const text = /** @type {string} */ (r.choices[0].message.content);
    const sentences = text.match(/[^.!?]+[.!?]/g) ?? [];
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(4);
    for (const s of sentences) expect(COACHING_LINES).toContain(s.trim());
    expect(r.usage?.total_tokens).toBe((r.usage?.prompt_tokens ?? 0) + (r.usage?.completion_tokens ?? 0));
    expect(r.usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
    // same input → same reply; both key kinds work; other inputs pick other lines
    const again = await client(emu, { apiKey: REALTIME_KEY }).chat.completions.create({ model: 'gpt-5.4', messages });
    expect(again.choices[0].message.content).toBe(text);
    const replies = new Set();
    for (const q of ['Help me prepare the board meeting.', 'My team resists the pilot.', 'How do I measure value?', 'What should I say first?'])
      replies.add((await std().chat.completions.create({ model: MODEL, messages: [user(q)] })).choices[0].message.content);
    expect(replies.size).toBeGreaterThan(1);
  });

  it('unknown model → 404 model_not_found; a non-chat model → 404 "not a chat model"', async () => {
    const e = await rejectionOf(std().chat.completions.create({ model: 'gpt-9-turbo', messages: [user('hi')] }));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e.error).toEqual({ message: 'The model `gpt-9-turbo` does not exist or you do not have access to it.',
      type: 'invalid_request_error', param: null, code: 'model_not_found' });
    const w = await rejectionOf(std().chat.completions.create({ model: 'whisper-1', messages: [user('hi')] }));
    expect(w.status).toBe(404);
    expect(w.error.message).toMatch(/not a chat model/);
    expect(w.param).toBe('model');
  });

  it.each([
    ['no messages', { model: MODEL }, 'messages', 'missing_required_parameter'],
    ['empty messages', { model: MODEL, messages: [] }, 'messages', 'empty_array'],
    ['no model', { messages: [user('hi')] }, 'model', 'missing_required_parameter'],
    ['bad role', { model: MODEL, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    ['user without content', { model: MODEL, messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_required_parameter'],
    ['content part without text', { model: MODEL, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text', 'missing_required_parameter'],
    ['assistant with neither content nor tool_calls', { model: MODEL, messages: [user('a'), { role: 'assistant', content: null }] }, 'messages[1].content', null],
    ['tool call without id', { model: MODEL, messages: [user('a'), { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, 'messages[1].tool_calls[0].id', 'missing_required_parameter'],
    ['tool message without tool_call_id', { model: MODEL, messages: [user('a'), { role: 'tool', content: 'x' }] }, 'messages[1].tool_call_id', 'missing_required_parameter'],
    ['tool result with no preceding call', { model: MODEL, messages: [user('a'), { role: 'tool', tool_call_id: 'call_x', content: 'x' }] }, 'messages.[1].role', null],
    ['tool result for another call', { model: MODEL, messages: [user('a'),
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'web_search', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_2', content: 'x' }] }, 'messages.[2].role', null],
    ['unanswered tool call', { model: MODEL, messages: [user('a'),
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'web_search', arguments: '{}' } }] }, user('b')] }, 'messages.[2].role', null],
    ['tool of another type', { model: MODEL, messages: [user('a')], tools: [{ type: 'web_search' }] }, 'tools[0].type', 'invalid_value'],
    ['function name with spaces', { model: MODEL, messages: [user('a')], tools: [{ type: 'function', function: { name: 'web search' } }] }, 'tools[0].function.name', 'invalid_value'],
    ['tool_choice of an undeclared function', { model: MODEL, messages: [user('a')], tools: [SEARCH_TOOL], tool_choice: { type: 'function', function: { name: 'other' } } }, 'tool_choice', 'invalid_value'],
    ['stream_options without stream', { model: MODEL, messages: [user('a')], stream_options: { include_usage: true } }, 'stream_options', null],
    ['temperature 2.5', { model: MODEL, messages: [user('a')], temperature: 2.5 }, 'temperature', 'decimal_above_max_value'],
    ['max_completion_tokens 0', { model: MODEL, messages: [user('a')], max_completion_tokens: 0 }, 'max_completion_tokens', 'integer_below_min_value'],
    ['stream as a string', { model: MODEL, messages: [user('a')], stream: 'yes' }, 'stream', 'invalid_type'],
    ['json_object without the word "json" in the messages', { model: MODEL, messages: [user('a')], response_format: { type: 'json_object' } }, 'messages', null],
    ['an unknown response_format type', { model: MODEL, messages: [user('a')], response_format: { type: 'xml' } }, 'response_format.type', 'invalid_value'],
  ])('400 for %s', async (_name, body, param, code) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param, code });
  });

  it('400 for an unknown top-level parameter, 400 for invalid JSON, 401 without a key', async () => {
    const r = await post({ model: MODEL, messages: [user('a')], voice: 'alloy' });
    expect(r.json.error).toEqual({ message: 'Unrecognized request argument supplied: voice', type: 'invalid_request_error', param: null, code: null });
    const bad = await raw(emu, '/v1/chat/completions', { method: 'POST', headers: { Authorization: `Bearer ${STANDARD_KEY}` }, body: '{' });
    expect(bad.status).toBe(400);
    expect((await raw(emu, '/v1/chat/completions', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('search rule: a web_search tool call when asked to check / look up / search / "what does … require"', async () => {
    const call = async (content, extra = {}) => (await std().chat.completions.create({ model: MODEL, messages: [user(content)], tools: [SEARCH_TOOL], ...extra })).choices[0];
    const c = await call(ASK);
    expect(c.finish_reason).toBe('tool_calls');
    expect(c.message.content).toBeNull();
    expect(c.message.tool_calls).toHaveLength(1);
    const tc = /** @type {any} */ (c.message.tool_calls?.[0]);
    expect(tc.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(tc.type).toBe('function');
    expect(tc.function.name).toBe('web_search');
    expect(JSON.parse(tc.function.arguments)).toEqual({ query: 'what the EU AI Act requires for high-risk systems' });
    for (const [q, query] of [['Please look up the NIST AI RMF.', 'the NIST AI RMF'], ['Search for ISO 42001 certification steps', 'ISO 42001 certification steps'],
      ['What does GDPR require for AI training data?', 'What does GDPR require for AI training data']]) {
      const t = await call(q);
      expect(t.finish_reason).toBe('tool_calls');
      expect(JSON.parse(/** @type {any} */ (t.message.tool_calls?.[0]).function.arguments).query).toBe(query);
    }
    expect((await call('How do I open the offsite?')).finish_reason).toBe('stop'); // no keyword
    expect((await call(ASK, { tool_choice: 'none' })).finish_reason).toBe('stop');
    expect((await std().chat.completions.create({ model: MODEL, messages: [user(ASK)] })).choices[0].finish_reason).toBe('stop'); // no tool
    const forced = await call('How do I open the offsite?', { tool_choice: 'required' });
    expect(JSON.parse(/** @type {any} */ (forced.message.tool_calls?.[0]).function.arguments).query).toBe('How do I open the offsite');
  });

  it('streaming: role chunk, word-by-word content, finish chunk, usage chunk, [DONE]; same text as non-streaming', async () => {
    const messages = [user('Give me one tip for the board meeting.')];
    const stream = await std().chat.completions.create({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } });
    /** @type {any[]} */
    const chunks = [];
    for await (const ch of stream) chunks.push(ch);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const id = chunks[0].id;
    for (const ch of chunks) expect(ch).toMatchObject({ id, object: 'chat.completion.chunk', model: MODEL });
    const content = chunks.slice(1, -2).map((ch) => ch.choices[0].delta.content);
    expect(content.length).toBeGreaterThan(10);
    for (const w of content) expect(w).toMatch(/^\s?\S+$/); // one word per chunk
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.slice(0, -1).every((ch) => ch.usage === null)).toBe(true);
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    const plain = await std().chat.completions.create({ model: MODEL, messages });
    expect(content.join('')).toBe(plain.choices[0].message.content);
    expect(usage.usage).toEqual(plain.usage);

    const r = await post({ model: MODEL, messages, stream: true });
    expect(r.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(r.res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(r.text).not.toContain('"usage"'); // no include_usage: no usage fields at all
  });

  it('a conversation with only instructions (no user message) is valid: the reply opens it, deterministically, streamed alike', async () => {
    const opener = 'Thanks for your time. Let’s start with scope: how many AI systems do you run?';
    const messages = [{ role: 'developer', content: `You play an auditor.\n- Open the session in role by saying: "${opener}"\n- Stay in role.` }];
    const r = await std().chat.completions.create({ model: MODEL, messages, tools: [SEARCH_TOOL] });
    expect(r.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: opener } });
    const stream = std().chat.completions.stream({ model: MODEL, messages, tools: [SEARCH_TOOL], stream_options: { include_usage: true } });
    const pieces = [];
    for await (const ch of stream) if (ch.choices[0]?.delta.content) pieces.push(ch.choices[0].delta.content);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(opener);
    expect((await stream.finalChatCompletion()).usage).toEqual(r.usage);
    // Instructions that name no opening line: coaching sentences chosen by the instructions, the same every time.
    const plain = [{ role: 'system', content: 'You are an executive coach.' }];
    const first = (await std().chat.completions.create({ model: MODEL, messages: plain })).choices[0].message.content;
    for (const s of first?.match(/[^.!?]+[.!?]/g) ?? []) expect(COACHING_LINES).toContain(s.trim());
    expect((await std().chat.completions.create({ model: MODEL, messages: plain })).choices[0].message.content).toBe(first);
  });

  it('streaming is paced by chatChunkMs (control API)', async () => {
    const set = await raw(emu, '/__emulator/fallback/config', { method: 'POST', body: JSON.stringify({ chatChunkMs: 12 }) });
    expect(set.json.config.chatChunkMs).toBe(12);
    const t0 = performance.now();
    const arrivals = [];
    for await (const ch of await std().chat.completions.create({ model: MODEL, messages: [user('pace me')], stream: true })) arrivals.push(performance.now() - t0);
    expect(arrivals.length).toBeGreaterThan(6);
    expect(arrivals.at(-1) - arrivals[0]).toBeGreaterThanOrEqual((arrivals.length - 1) * 12 * 0.8);
  });

  it('tool-call round trip: the stream helper assembles the arguments; the tool result is quoted', async () => {
    const c = std();
    const s = c.chat.completions.stream({ model: MODEL, messages: [user(ASK)], tools: [SEARCH_TOOL] });
    const pieces = [];
    for await (const ch of s) for (const tc of ch.choices[0]?.delta.tool_calls ?? []) if (tc.function?.arguments) pieces.push(tc.function.arguments);
    const final = await s.finalChatCompletion();
    expect(pieces.length).toBeGreaterThan(3); // arguments arrived in pieces
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    const call = /** @type {any} */ (final.choices[0].message.tool_calls?.[0]);
    expect(JSON.parse(call.function.arguments)).toEqual({ query: 'what the EU AI Act requires for high-risk systems' });
    expect(pieces.join('')).toBe(call.function.arguments);

    const messages = [user(ASK), final.choices[0].message,
      { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ answer: 'High-risk systems need a risk management system. They also need logging.' }) }];
    const answer = await c.chat.completions.create({ model: MODEL, messages, tools: [SEARCH_TOOL] });
    expect(answer.choices[0].finish_reason).toBe('stop');
    expect(answer.choices[0].message.content).toBe(`According to the search, High-risk systems need a risk management system. ${TOOL_FOLLOW_UP}`);
    messages[2] = { role: 'tool', tool_call_id: call.id, content: 'Plain text result without JSON! Second sentence.' };
    const s2 = c.chat.completions.stream({ model: MODEL, messages, tools: [SEARCH_TOOL] });
    const text = (await s2.finalChatCompletion()).choices[0].message.content;
    expect(text).toBe(`According to the search, Plain text result without JSON! ${TOOL_FOLLOW_UP}`);
  });

  it('max_completion_tokens cuts the reply: finish_reason "length"', async () => {
    const r = await std().chat.completions.create({ model: MODEL, messages: [user('Long answer please')], max_completion_tokens: 5 });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.choices[0].message.content).toHaveLength(20);
    expect(r.usage?.completion_tokens).toBe(5);
  });

  describe('faults', () => {
    it('429 with Retry-After → RateLimitError (maxRetries 0: one request); with retries the SDK waits and succeeds', async () => {
      emu.setFaults({ route: 'chat.completions', status: 429, retryAfter: 2, times: 1 });
      const e = await rejectionOf(std().chat.completions.create({ model: MODEL, messages: [user('hi')] }));
      expect(e).toBeInstanceOf(OpenAI.RateLimitError);
      expect(e.headers.get('retry-after')).toBe('2');
      expect(e.headers.get('retry-after-ms')).toBe('2000');
      expect(emu.stats().counts['chat.completions']).toBe(1);
      emu.setFaults({ route: 'chat.completions', status: 429, retryAfterMs: 30, times: 1 });
      const t0 = performance.now();
      const ok = await std({ maxRetries: 1 }).chat.completions.create({ model: MODEL, messages: [user('hi')] });
      expect(ok.choices[0].finish_reason).toBe('stop');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
      expect(emu.stats().counts['chat.completions']).toBe(3);
    });

    it('500 / 503 → InternalServerError; the 404 fault names the requested model', async () => {
      emu.setFaults({ route: 'chat', status: 503, times: 1 });
      expect(await rejectionOf(std().chat.completions.create({ model: MODEL, messages: [user('hi')], stream: true }))).toBeInstanceOf(OpenAI.InternalServerError);
      emu.setFaults({ route: 'chat.completions', status: 404, times: 1 });
      const e = await rejectionOf(std().chat.completions.create({ model: MODEL, messages: [user('hi')] }));
      expect(e.error.message).toBe(`The model \`${MODEL}\` does not exist or you do not have access to it.`);
    });

    it('latencyMs without times delays every request; hang → client timeout; dropConnection → APIConnectionError', async () => {
      emu.setFaults({ route: 'chat.completions', latencyMs: 150 });
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        await std().chat.completions.create({ model: MODEL, messages: [user('hi')] });
        expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
      }
      emu.setFaults({ route: 'chat.completions', hang: true, times: 1 });
      expect(await rejectionOf(std({ timeout: 200 }).chat.completions.create({ model: MODEL, messages: [user('hi')] })))
        .toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      emu.setFaults({ route: 'chat.completions', dropConnection: true, times: 1 });
      const e = await rejectionOf(std().chat.completions.create({ model: MODEL, messages: [user('hi')] }));
      expect(e).toBeInstanceOf(OpenAI.APIConnectionError);
      expect((await std().chat.completions.create({ model: MODEL, messages: [user('hi')] })).object).toBe('chat.completion');
    });

    it('mid-stream drop (afterEvents / afterMs): the stream iterator throws after the first chunks', async () => {
      emu.setFaults({ route: 'chat.completions', dropConnection: true, afterEvents: 3, times: 1 });
      const got = [];
      const e = await rejectionOf((async () => {
        for await (const ch of await std().chat.completions.create({ model: MODEL, messages: [user('hi')], stream: true })) got.push(ch);
      })());
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(OpenAI.APIError);
      expect(String(e.message)).toMatch(/terminated|aborted|closed|socket/i);
      expect(got).toHaveLength(3);
      emu.setFaults({ route: 'chat.completions', dropConnection: true, afterMs: 40, times: 1 });
      emu.setFallbackConfig({ chatChunkMs: 15 });
      const got2 = [];
      await rejectionOf((async () => {
        for await (const ch of await std().chat.completions.create({ model: MODEL, messages: [user('hi')], stream: true })) got2.push(ch);
      })());
      expect(got2.length).toBeGreaterThan(0);
      expect(got2.at(-1).choices[0]?.finish_reason ?? null).toBeNull();
      // a '*' drop fault is a realtime session fault: it leaves chat streams alone
      emu.setFallbackConfig({ chatChunkMs: 1 });
      emu.setFaults({ dropConnection: true, afterEvents: 1 });
      const ok = std().chat.completions.stream({ model: MODEL, messages: [user('hi')] });
      expect((await ok.finalChatCompletion()).choices[0].finish_reason).toBe('stop');
    });

    it('errorEvent: an error frame mid-stream → the iterator throws APIError', async () => {
      emu.setFaults({ route: 'chat.completions', errorEvent: { type: 'server_error', message: 'boom mid-stream' }, times: 1 });
      const e = await rejectionOf((async () => {
        for await (const _ of await std().chat.completions.create({ model: MODEL, messages: [user('hi')], stream: true }));
      })());
      expect(e).toBeInstanceOf(OpenAI.APIError);
      expect(e.message).toContain('boom mid-stream');
    });
  });
});

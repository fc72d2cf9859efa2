import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../lib/web-corpus.mjs';
import { REALTIME_KEY, client, expectEnvelope, rejectionOf, start } from './helpers.mjs';
import { QUERY, RESERVED_HOST, base, expectCitations, postResponses, textPart } from './responses-helpers.mjs';

describe('POST /v1/responses', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  const post = (body, key = REALTIME_KEY) => postResponses(emu, body, key);

  it('web search answer with sources and exact url_citation offsets (official client)', async () => {
    const { data: r, request_id } = await client(emu).responses.create(base).withResponse();
    expect(request_id).toMatch(/^req_/);
    expect(r.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(r).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-5.4', error: null,
      incomplete_details: null, instructions: null, max_output_tokens: null, tool_choice: 'auto' });
    expect(r.completed_at).toBeGreaterThanOrEqual(r.created_at);
    expect(r.output_text.length).toBeGreaterThan(0); // computed by the SDK
    expect(r.output.map((o) => o.type)).toEqual(['web_search_call', 'message']);
    const ws = /** @type {any} */ (r.output[0]);
    expect(ws.id).toMatch(/^ws_/);
    expect(ws.status).toBe('completed');
    expect(ws.action.type).toBe('search');
    expect(ws.action.query).toBe(QUERY);
    expect(ws.action.sources.length).toBeGreaterThan(0);
    for (const s of ws.action.sources) {
      expect(s.type).toBe('url');
      expect(new URL(s.url).hostname).toMatch(RESERVED_HOST);
    }
    const msg = /** @type {any} */ (r.output[1]);
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(msg.id).toMatch(/^msg_/);
    const part = textPart(r);
    expect(part).toMatchObject({ type: 'output_text', logprobs: [] });
    expect(part.text).toBe(r.output_text);
    expect(part.annotations).toHaveLength(2); // medium context → 2 citations
    expectCitations(part);
    expect(part.annotations[0].url).toBe('https://policy.example.org/eu-ai-act/high-risk-obligations?utm_source=chatgpt.com');
    // every cited page is among the sources
    for (const a of part.annotations) expect(ws.action.sources.map((s) => s.url)).toContain(a.url.split('?')[0]);
    const u = r.usage;
    expect(u?.input_tokens_details.cached_tokens).toBe(0);
    expect(u?.output_tokens_details.reasoning_tokens).toBe(0);
    expect(u?.total_tokens).toBe((u?.input_tokens ?? 0) + (u?.output_tokens ?? 0));
    expect(u?.output_tokens).toBe(Math.ceil(part.text.length / 4));
    expect(r.tools).toEqual([{ type: 'web_search', filters: null, search_context_size: 'medium',
      user_location: { type: 'approximate', city: null, country: 'US', region: null, timezone: null } }]);
    const st = emu.stats();
    expect(st.counts.responses).toBe(1);
    expect(st.lastRequest.responses.body).toEqual(base);
    expect(st.lastRequest.responses.status).toBe(200);
  });

  it('wire format: no top-level output_text, rate-limit headers, deterministic content', async () => {
    const a = await post(base);
    const b = await post(base);
    expect(a.status).toBe(200);
    expect(a.res.headers.get('content-type')).toContain('application/json');
    expect(a.res.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
    expect(a.json).not.toHaveProperty('output_text');
    expect(textPart(a.json)).toEqual(textPart(b.json));
    expect(a.json.id).not.toBe(b.json.id);
  });

  it('sources only with include; the query is the last user text of array input', async () => {
    const r = await client(emu).responses.create({
      model: 'gpt-5.4', tools: [{ type: 'web_search' }],
      input: [
        { role: 'user', content: 'Tell me about GDPR' },
        { role: 'assistant', content: 'Sure.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: '  What should   boards ask about AI? ' }] },
      ],
    });
    const ws = /** @type {any} */ (r.output[0]);
    expect(ws.action).toEqual({ type: 'search', query: 'What should boards ask about AI?' });
    expect(textPart(r).annotations[0].url).toBe('https://www.example.com/insights/board-oversight-of-ai?utm_source=chatgpt.com');
  });

  it('search_context_size picks how many pages are cited; all web search tool types work', async () => {
    const count = async (tool) => textPart(await client(emu).responses.create({ ...base, tools: [tool] })).annotations.length;
    expect(await count({ type: 'web_search', search_context_size: 'low' })).toBe(1);
    expect(await count({ type: 'web_search_2025_08_26', search_context_size: 'high' })).toBe(3);
    expect(await count({ type: 'web_search_preview' })).toBe(2);
    const r = await client(emu).responses.create({ ...base, tools: [{ type: 'web_search_preview_2025_03_11',
      user_location: { type: 'approximate', city: 'Berlin', country: 'DE' } }], tool_choice: { type: 'web_search_preview_2025_03_11' } });
    expectCitations(textPart(r));
    expect(r.tools).toEqual([{ type: 'web_search_preview_2025_03_11', search_context_size: 'medium',
      user_location: { type: 'approximate', city: 'Berlin', country: 'DE', region: null, timezone: null } }]);
  });

  it('filters.allowed_domains: only those domains (and subdomains) are cited', async () => {
    const tools = [{ type: /** @type {const} */ ('web_search'), filters: { allowed_domains: ['example.com'] }, search_context_size: /** @type {const} */ ('high'), external_web_access: false }];
    const r = await client(emu).responses.create({ ...base, tools });
    const part = textPart(r);
    expect(part.annotations.length).toBeGreaterThan(0);
    expectCitations(part);
    for (const a of part.annotations) expect(new URL(a.url).hostname).toMatch(/(^|\.)example\.com$/);
    for (const s of /** @type {any} */ (r.output[0]).action.sources) expect(new URL(s.url).hostname).toMatch(/(^|\.)example\.com$/);
    expect(r.tools[0]).toMatchObject({ filters: { allowed_domains: ['example.com'] }, external_web_access: false });

    const one = textPart(await client(emu).responses.create({ ...base, tools: [{ type: 'web_search', filters: { allowed_domains: ['privacy.example.org'] } }] }));
    expect(one.annotations.map((a) => a.url)).toEqual(['https://privacy.example.org/gdpr-and-ai/personal-data-in-ai-systems?utm_source=chatgpt.com']);
  });

  it('allowed_domains matching nothing → no citations and a "found no results" answer', async () => {
    const r = await client(emu).responses.create({ ...base, tools: [{ type: 'web_search', filters: { allowed_domains: ['gov.invalid'] } }] });
    expect(r.output.map((o) => o.type)).toEqual(['web_search_call', 'message']);
    expect(/** @type {any} */ (r.output[0]).action.sources).toEqual([]);
    expect(textPart(r).annotations).toEqual([]);
    expect(r.output_text).toBe(`I searched the web for "${QUERY}" but found no results on the allowed domains (gov.invalid).`);
  });

  it('no tools (or tool_choice "none") → only a message, no annotations', async () => {
    const r = await client(emu).responses.create({ model: 'gpt-5.4', input: QUERY, instructions: 'Be brief.', max_output_tokens: 500 });
    expect(r.output.map((o) => o.type)).toEqual(['message']);
    expect(textPart(r).annotations).toEqual([]);
    expect(r.output_text).toBe(CORPUS[0].fact);
    expect(r).toMatchObject({ instructions: 'Be brief.', max_output_tokens: 500, tools: [] });
    const n = await client(emu).responses.create({ ...base, tool_choice: 'none' });
    expect(n.output.map((o) => o.type)).toEqual(['message']);
    expect(n.tool_choice).toBe('none');
  });

  it('max_output_tokens below the answer → status incomplete, text cut, citations that fit kept', async () => {
    const r = await client(emu).responses.create({ ...base, max_output_tokens: 16 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(r.output_text).toHaveLength(64);
    expect(textPart(r).annotations).toEqual([]);
    expect(r.usage?.output_tokens).toBe(16);
  });
  it.each([
    [{ input: 'x' }, 'model', 'missing_required_parameter'],
    [{ model: 7, input: 'x' }, 'model', 'invalid_type'],
    [{ model: '', input: 'x' }, 'model', 'empty_string'],
    [{ model: 'gpt-5.4' }, 'input', 'missing_required_parameter'],
    [{ model: 'gpt-5.4', input: 5 }, 'input', 'invalid_type'],
    [{ model: 'gpt-5.4', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role', 'invalid_value'],
    [{ model: 'gpt-5.4', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text', 'missing_required_parameter'],
    [{ model: 'gpt-5.4', input: 'x', tools: {} }, 'tools', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'function', name: 'f' }] }, 'tools[0].type', 'invalid_value'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{}] }, 'tools[0].type', 'missing_required_parameter'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', search_context_size: 'huge' }] }, 'tools[0].search_context_size', 'invalid_value'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', filters: { allowed_domains: 'example.org' } }] }, 'tools[0].filters.allowed_domains', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', filters: { allowed_domains: [1] } }] }, 'tools[0].filters.allowed_domains[0]', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', filters: { blocked_domains: [] } }] }, 'tools[0].filters.blocked_domains', 'unknown_parameter'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', user_location: { type: 'exact' } }] }, 'tools[0].user_location.type', 'invalid_value'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', user_location: { city: 3 } }] }, 'tools[0].user_location.city', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search', external_web_access: 'yes' }] }, 'tools[0].external_web_access', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', tools: [{ type: 'web_search_preview', filters: {} }] }, 'tools[0].filters', 'unknown_parameter'],
    [{ model: 'gpt-5.4', input: 'x', tool_choice: 'always' }, 'tool_choice', 'invalid_value'],
    [{ model: 'gpt-5.4', input: 'x', include: ['web_search_call.everything'] }, 'include[0]', 'invalid_value'],
    [{ model: 'gpt-5.4', input: 'x', max_output_tokens: 5 }, 'max_output_tokens', 'integer_below_min_value'],
    [{ model: 'gpt-5.4', input: 'x', stream: 'yes' }, 'stream', 'invalid_type'],
    [{ model: 'gpt-5.4', input: 'x', voice: 'alloy' }, 'voice', 'unknown_parameter'],
    [{ model: 'gpt-5.4', input: 'x', text: { format: { type: 'json_schema' } } }, 'text.format.type', 'invalid_value'],
  ])('400 for %j → param %s (%s)', async (body, param, code) => {
    const e = await rejectionOf(client(emu).responses.create(/** @type {any} */ (body)));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe(param);
    expect(e.code).toBe(code);
    expect(e.type).toBe('invalid_request_error');
  });

  it('a streaming request with a bad body gets a JSON 400, not a stream', async () => {
    const e = await rejectionOf(client(emu).responses.create(/** @type {any} */ ({ ...base, stream: true, tools: [{ type: 'file_search' }] })));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe('tools[0].type');
    const r = await post('{"model":');
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
  });

  it('auth: an unknown key → AuthenticationError (also when streaming)', async () => {
    const bad = client(emu, { apiKey: 'sk-not-a-real-key-1234' });
    expect(await rejectionOf(bad.responses.create(base))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await rejectionOf(bad.responses.create({ ...base, stream: true }))).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await post(base, '')).status).toBe(401);
  });
  it.each([
    'null', '[]', '{}', '{"model":"m","input":null}', '{"model":"m","input":[null]}', '{"model":"m","input":[{}]}',
    '{"model":"m","input":[{"type":"function_call_output","call_id":"c","output":"x"}]}', '{"model":"m","input":""}',
    '{"model":"m","input":"x","tools":[null]}', '{"model":"m","input":"x","tools":[{"type":"web_search","filters":null,"user_location":null}]}',
    '{"model":"m","input":"x","tool_choice":{}}', '{"model":"m","input":"x","metadata":{"__proto__":1}}',
    '{"model":"m","input":"x","__proto__":{"polluted":1}}', '{"model":"m","input":[{"role":"user","content":{}}]}',
  ])('odd body %s → 200 or a 4xx envelope', async (body) => {
    const r = await post(body);
    expect(r.json).toBeDefined();
    if (r.status === 200) expect(r.json.object).toBe('response');
    else {
      expect(r.status).toBe(400);
      expectEnvelope(expect, r.json);
    }
    expect(/** @type {any} */ ({}).polluted).toBeUndefined();
  });
});

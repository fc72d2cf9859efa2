/** The OpenAI web-search provider against the project's emulator (real HTTP, official client). */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Response as ResponsesResponse } from 'openai/resources/responses/responses';
import { createOpenAISearchProvider, readResponse } from '../../../src/server/search/providers/openai-search-provider';
import type { SearchProvider } from '../../../src/server/search/search-types';
import { failure, signal, words } from './provider-test-support';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../../helpers/emulator';

let emu: Emulator;
let provider: SearchProvider;
const QUESTION = 'What does the EU AI Act require for high-risk systems?';

beforeAll(async () => {
  emu = await startTestEmulator();
  const client = new OpenAI({ apiKey: REALTIME_KEY, baseURL: emu.baseUrl, maxRetries: 0 });
  provider = createOpenAISearchProvider({ client, timeoutMs: 5_000 });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

describe('openai search provider', () => {
  it('answers in speakable text with clean https citations, asking for web_search', async () => {
    const result = await provider.search(QUESTION, signal());
    expect(result.provider).toBe('openai');
    expect(result.answer).toMatch(/high-risk AI systems must operate a risk-management system/);
    expect(result.answer).not.toMatch(/\]\(|http|\*\*|#|\[\d+\]|utm_/);
    expect(words(result.answer)).toBeLessThanOrEqual(90);
    expect(result.citations).toEqual([
      { title: 'EU AI Act: obligations for high-risk AI systems', url: 'https://policy.example.org/eu-ai-act/high-risk-obligations' },
    ]);
    for (const c of result.citations) {
      expect(c.url.startsWith('https://')).toBe(true);
      expect(c.url).not.toMatch(/utm_/);
    }
    const body = emu.stats().lastRequest.responses!.body;
    expect(body).toMatchObject({
      model: 'gpt-5.4',
      input: QUESTION,
      tools: [{ type: 'web_search', search_context_size: 'low' }],
      include: ['web_search_call.action.sources'],
      max_output_tokens: 400,
    });
    expect(body.instructions).toMatch(/no Markdown/i);
  });

  it('uses the configured model', async () => {
    const client = new OpenAI({ apiKey: REALTIME_KEY, baseURL: emu.baseUrl, maxRetries: 0 });
    await createOpenAISearchProvider({ client, model: 'gpt-4o-mini', timeoutMs: 5_000 }).search('NIST AI RMF', signal());
    expect(emu.stats().lastRequest.responses!.body.model).toBe('gpt-4o-mini');
  });

  it.each([
    [{ status: 429 }, 'rate_limited', false, 429],
    [{ status: 429, code: 'insufficient_quota' }, 'rate_limited', false, 429],
    [{ status: 503 }, 'unavailable', true, 503],
    [{ status: 500 }, 'unavailable', true, 500],
    [{ status: 401 }, 'auth', false, 401],
    [{ status: 404 }, 'auth', false, 404], // model_not_found: the key cannot use the search model
    [{ dropConnection: true }, 'unavailable', true, undefined],
  ])('maps emulator fault %j to %s (retryable %s)', async (fault, kind, retryable, status) => {
    emu.setFaults({ route: 'responses', times: 1, ...fault });
    const error = await failure(provider.search(QUESTION, signal()));
    expect({ provider: error.provider, kind: error.kind, retryable: error.retryable, status: error.status }).toEqual({ provider: 'openai', kind, retryable, status });
    expect(error.message).not.toMatch(/sk-test-realtime/);
  });

  it('gives up on a hung upstream after timeoutMs: a retryable timeout', async () => {
    emu.setFaults({ route: 'responses', hang: true, times: 1 });
    const client = new OpenAI({ apiKey: REALTIME_KEY, baseURL: emu.baseUrl, maxRetries: 0 });
    const quick = createOpenAISearchProvider({ client, timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(quick.search(QUESTION, signal()));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect([error.kind, error.retryable]).toEqual(['timeout', true]);
  });

  it("treats the service's AbortSignal.timeout as a retryable deadline, a plain abort as final", async () => {
    emu.setFaults({ route: 'responses', hang: true });
    const deadline = await failure(provider.search(QUESTION, AbortSignal.timeout(100)));
    expect([deadline.kind, deadline.retryable]).toEqual(['timeout', true]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(provider.search(QUESTION, controller.signal));
    expect([cancelled.kind, cancelled.retryable]).toEqual(['timeout', false]);
  });
});

describe('readResponse', () => {
  const message = (text: string, annotations: unknown[] = [], status = 'completed') =>
    ({
      status,
      output: [
        { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        { type: 'message', id: 'msg_1', role: 'assistant', status, content: [{ type: 'output_text', text, annotations }] },
      ],
    }) as unknown as ResponsesResponse;
  const cite = (url: string, title: string) => ({ type: 'url_citation', url, title, start_index: 0, end_index: 1 });

  it('cleans Markdown, links, bare URLs and markers out of the spoken answer; dedupes citations', () => {
    const text =
      '## Summary\n**Boards** must ask about AI [1]. See [the guide](https://a.example.org/x) or https://b.example.org/y ' +
      '([a.example.org](https://a.example.org/x?utm_source=chatgpt.com)).\n- First point\n- Second point';
    const { answer, citations } = readResponse(
      message(text, [cite('https://a.example.org/x?utm_source=chatgpt.com', 'Guide'), cite('https://a.example.org/x', 'Guide again'), cite('javascript:alert(1)', 'x')]),
    );
    expect(answer).toBe('Summary. Boards must ask about AI. See the guide or. First point. Second point');
    expect(citations).toEqual([{ title: 'Guide', url: 'https://a.example.org/x' }]);
  });

  it('drops a sentence cut off by max_output_tokens and caps the length', () => {
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} has five words.`).join(' ');
    const { answer } = readResponse(message(`${long} And then it was cut`, [], 'incomplete'));
    expect(answer.endsWith('.')).toBe(true);
    expect(words(answer)).toBeLessThanOrEqual(90);
  });

  it('reads the final answer, not commentary messages', () => {
    const body = message('The final answer.');
    body.output.unshift({ type: 'message', id: 'msg_0', role: 'assistant', status: 'completed', phase: 'commentary', content: [{ type: 'output_text', text: 'Let me search.', annotations: [] }] } as never);
    expect(readResponse(body).answer).toBe('The final answer.');
  });

  it('falls back to the SDK output_text, and rejects a response without text', () => {
    const bare = { status: 'completed', output: [], output_text: 'From the convenience field.' } as unknown as ResponsesResponse;
    expect(readResponse(bare).answer).toBe('From the convenience field.');
    expect(() => readResponse(message('  '))).toThrow(expect.objectContaining({ kind: 'bad_response', retryable: false }));
  });
});

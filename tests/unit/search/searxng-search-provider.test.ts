/** The SearXNG provider against a local SearXNG-shaped server (real HTTP, SearXNG's JSON format). */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_FOUND_ANSWER, createSearxngSearchProvider } from '../../../src/server/search/providers/searxng-search-provider';
import type { SearchProvider } from '../../../src/server/search/search-types';
import { failure, signal, words } from './provider-test-support';
import { startSearxngFake, type SearxngFake } from '../../helpers/searxng-fake';

let fake: SearxngFake;
let provider: SearchProvider;

beforeAll(async () => {
  fake = await startSearxngFake();
  provider = createSearxngSearchProvider({ baseUrl: `${fake.url}/`, timeoutMs: 2_000 });
});
afterEach(() => fake.setFault(null));
afterAll(() => fake.close());

describe('searxng search provider', () => {
  it("asks SearXNG's JSON API with the documented parameters", async () => {
    const before = fake.requests().length;
    await provider.search('EU AI Act high-risk duties', signal());
    expect(fake.requests().length).toBe(before + 1);
    const req = fake.requests().at(-1)!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/search');
    expect(req.params).toEqual({ q: 'EU AI Act high-risk duties', format: 'json', language: 'en', safesearch: '1' });
    expect(req.headers['accept-language']).toBe('en');
  });

  it('composes a short attributed answer from the top snippets, citing the top results', async () => {
    const result = await provider.search('What does the EU AI Act say about high-risk systems?', signal());
    expect(result.provider).toBe('searxng');
    // "The obligations" is lower-cased after the attribution; other words keep their capitals (they may be names).
    expect(result.answer).toBe(
      'According to EU AI Act: obligations for high-risk systems, Providers of high-risk AI systems must run a risk-management system & keep logs. ' +
        'According to When the EU AI Act applies, the obligations phase in between 2025 and 2027, starting with the bans on prohibited practices. ' +
        'According to AI Act FAQ, Conformity assessment comes before a high-risk system is placed on the market.',
    );
    expect(result.answer).not.toMatch(/<|&amp;|http|\]\(/);
    expect(words(result.answer)).toBeLessThanOrEqual(90);
    expect(result.citations).toHaveLength(5);
    expect(result.citations[0]).toEqual({ title: 'EU AI Act: obligations for high-risk systems | Policy Desk', url: 'https://policy.example.org/eu-ai-act/high-risk' });
    expect(new Set(result.citations.map((c) => c.url)).size).toBe(5); // the duplicate result is dropped
  });

  it('prefers a direct answer, in either shape SearXNG versions use', async () => {
    const currency = await provider.search('100 dollar in euro', signal());
    expect(currency.answer).toBe('1 US Dollar = 0.92 Euro.');
    expect(currency.citations[0]).toEqual({ title: 'finance.example.com', url: 'https://finance.example.com/usd-eur' });
    const sum = await provider.search('2+2', signal());
    expect(sum).toEqual({ answer: '4.', citations: [], provider: 'searxng' });
  });

  it('says nothing was found when there are no results (not an error)', async () => {
    expect(await provider.search('qwzx unknown topic', signal())).toEqual({ answer: NOTHING_FOUND_ANSWER, citations: [], provider: 'searxng' });
  });

  it('does not claim "nothing found" when every engine failed: retryable unavailable', async () => {
    fake.setFault({ enginesDown: true });
    const error = await failure(provider.search('EU AI Act', signal()));
    expect([error.kind, error.retryable]).toEqual(['unavailable', true]);
    expect(error.message).toMatch(/duckduckgo, brave/);
  });

  it('explains the 403 HTML page SearXNG sends when json is not in search.formats', async () => {
    const res = await fetch(`${fake.url}/search?q=x&format=html`);
    expect(res.status).toBe(403); // the fake behaves like SearXNG
    const status403 = await failure(
      createSearxngSearchProvider({ baseUrl: fake.url, timeoutMs: 2_000, fetch: (url, init) => fetch(String(url).replace('format=json', 'format=html'), init) }).search('EU AI Act', signal()),
    );
    expect([status403.kind, status403.retryable, status403.status]).toEqual(['bad_response', false, 403]);
    expect(status403.message).toMatch(/search\.formats.*settings\.yml/);
  });

  it('rejects a body that is not JSON as bad_response', async () => {
    fake.setFault({ badJson: true });
    const error = await failure(provider.search('EU AI Act', signal()));
    expect([error.kind, error.retryable]).toEqual(['bad_response', false]);
    expect(error.message).toMatch(/settings\.yml/);
  });

  it.each([
    [429, 'rate_limited', false],
    [503, 'unavailable', true],
    [500, 'unavailable', true],
    [502, 'unavailable', true],
    [401, 'auth', false],
    [404, 'bad_response', false],
  ])('maps HTTP %i to %s (retryable %s)', async (status, kind, retryable) => {
    fake.setFault({ status });
    const error = await failure(provider.search('EU AI Act', signal()));
    expect({ provider: error.provider, kind: error.kind, retryable: error.retryable, status: error.status }).toEqual({ provider: 'searxng', kind, retryable, status });
  });

  it('times out on a hung instance after timeoutMs (retryable)', async () => {
    fake.setFault({ hang: true });
    const quick = createSearxngSearchProvider({ baseUrl: fake.url, timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(quick.search('EU AI Act', signal()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect([error.kind, error.retryable]).toEqual(['timeout', true]);
  });

  it("honours the caller's signal: a deadline is retryable, a cancel is not", async () => {
    fake.setFault({ latencyMs: 1_000 });
    const deadline = await failure(provider.search('EU AI Act', AbortSignal.timeout(100)));
    expect([deadline.kind, deadline.retryable]).toEqual(['timeout', true]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(provider.search('EU AI Act', controller.signal));
    expect([cancelled.kind, cancelled.retryable]).toEqual(['timeout', false]);
  });

  it('reports a refused connection as retryable unavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const closed = createSearxngSearchProvider({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 });
    const error = await failure(closed.search('EU AI Act', signal()));
    expect([error.kind, error.retryable]).toEqual(['unavailable', true]);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

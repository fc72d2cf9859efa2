/**
 * The coach's web search endpoint on the built server: session-bound, limited, validated, cached,
 * coalesced, stale-on-error, falling back to the platform's library — against the OpenAI emulator, a
 * SearXNG-shaped fake and the real knowledge base.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { useServersWithEmulator } from '../helpers/server-fixture';
import { REALTIME_KEY, STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { startSearxngFake } from '../helpers/searxng-fake';

const HIGH_RISK = 'What does the EU AI Act require for high-risk systems?';
const fixture = useServersWithEmulator();
const server = fixture.server;
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});
async function session(s: AppServer): Promise<string> {
  const res = await s.fetch('/api/voice-agent/token', { method: 'POST' });
  return (await res.json()).sessionId;
}
const search = (s: AppServer, body: unknown) =>
  s.fetch('/api/voice-agent/responses-search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('search with the platform library (no key, no SearXNG)', () => {
  it('answers from the knowledge base with citations, then from the cache', async () => {
    const s = await server({});
    const sessionId = await session(s);
    const res = await search(s, { query: HIGH_RISK, sessionId });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: 'knowledge', cached: false, stale: false });
    expect(body.answer).toContain("platform's library");
    expect(body.citations[0]).toMatchObject({ url: '/library/eu-ai-act-high-risk-systems' });
    const again = await (await search(s, { query: '  what does the EU AI Act require for high-risk systems ', sessionId })).json();
    expect(again).toMatchObject({ provider: 'knowledge', cached: true, stale: false, answer: body.answer });
    const log = await s.waitForLog((l) => l.event === 'searchCompleted');
    expect(log).toMatchObject({ provider: 'knowledge', queryLength: HIGH_RISK.length });
    expect(s.output()).not.toContain('high-risk systems?'); // the query text is not logged
    const metrics = await (await s.fetch('/metrics')).text();
    expect(metrics).toMatch(/voice_agent_search_requests_total\{provider="knowledge",outcome="ok"\} 1/);
    expect(metrics).toMatch(/voice_agent_search_requests_total\{provider="knowledge",outcome="cached"\} 1/);
    expect(metrics).toMatch(/voice_agent_search_cache_total\{result="hit"\} 1/);
    expect(metrics).toMatch(/voice_agent_search_response_seconds_count\{provider="knowledge"\} 1/);
  });

  it('is only for live sessions: unknown or ended sessions get 404, never a search', async () => {
    const s = await server({});
    expect((await search(s, { query: 'AI strategy', sessionId: 'sess_' + 'x'.repeat(32) })).status).toBe(404);
    const sessionId = await session(s);
    await s.fetch('/api/voice-agent/end-session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId }) });
    const ended = await search(s, { query: 'AI strategy', sessionId });
    expect(ended.status).toBe(404);
    expect((await ended.json()).error.code).toBe('session_not_found');
  });

  it('validates input with clear 400/415 errors and strips control characters', async () => {
    const s = await server({});
    const sessionId = await session(s);
    for (const body of [{ sessionId }, { query: '', sessionId }, { query: ' \n\t ', sessionId }, { query: 'x'.repeat(501), sessionId }, { query: 'ok' }, { query: 5, sessionId }, { query: 'ok', sessionId, extra: 1 }]) {
      const res = await search(s, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect((await res.json()).error.message).toBeTruthy();
    }
    const text = await s.fetch('/api/voice-agent/responses-search', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const clean = await search(s, { query: 'board\u0000 reporting\u0007 on AI', sessionId });
    expect(clean.status).toBe(200);
    expect((await clean.json()).citations.length).toBeGreaterThan(0);
  });

  it('limits searches per session and per IP with Retry-After', async () => {
    const s = await server({ SEARCH_RATE_LIMIT_PER_SESSION_PER_MINUTE: '2', SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE: '3' });
    const a = await session(s);
    expect((await search(s, { query: 'data readiness', sessionId: a })).status).toBe(200);
    expect((await search(s, { query: 'vendor selection', sessionId: a })).status).toBe(200);
    const limited = await search(s, { query: 'change management', sessionId: a });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const b = await session(s);
    expect((await search(s, { query: 'talent', sessionId: b })).status).toBe(200);
    expect((await search(s, { query: 'security', sessionId: b })).status).toBe(429); // the IP's 3 are used up
  });
});

describe('search through OpenAI (emulator Responses API with web_search)', () => {
  it('answers with web citations; identical concurrent queries share one upstream call', async () => {
    const s = await server({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl });
    const sessionId = await session(s);
    const results = await Promise.all([1, 2, 3].map(() => search(s, { query: 'EU AI Act high-risk obligations', sessionId: sessionId })));
    const bodies = await Promise.all(results.map((r) => r.json()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(calls(emu, 'responses')).toBe(1);
    const body = bodies[0];
    expect(body.provider).toBe('openai');
    expect(body.citations.length).toBeGreaterThan(0);
    for (const c of body.citations) expect(c.url).toMatch(/^https:\/\/[a-z.]*example\.(com|org|net)\//);
    expect(body.answer).not.toMatch(/\]\(|https?:\/\//); // speakable: no Markdown links or URLs
    const sent = emu.stats().lastRequest.responses.body;
    expect(sent.tools).toEqual([expect.objectContaining({ type: 'web_search' })]);
  });

  it('serves the last good answer (stale) when OpenAI fails, after one retry', async () => {
    const s = await server({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, SEARCH_CACHE_SECONDS: '1' });
    const sessionId = await session(s);
    const first = await (await search(s, { query: 'NIST AI risk management', sessionId })).json();
    expect(first).toMatchObject({ provider: 'openai', stale: false });
    await new Promise((r) => setTimeout(r, 1_100));
    emu.setFaults({ route: 'responses', status: 500 });
    const before = calls(emu, 'responses');
    const stale = await (await search(s, { query: 'NIST AI risk management', sessionId })).json();
    expect(stale).toMatchObject({ provider: 'openai', cached: true, stale: true, answer: first.answer });
    expect(calls(emu, 'responses') - before).toBe(2); // one retry on 5xx
  });

  it('falls back to the library (and says so) when OpenAI fails with nothing cached; a 429 is not hammered', async () => {
    const s = await server({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl });
    const sessionId = await session(s);
    emu.setFaults({ route: 'responses', status: 429 });
    const res = await (await search(s, { query: HIGH_RISK, sessionId })).json();
    expect(res.provider).toBe('knowledge');
    expect(res.answer).toMatch(/^The web search is unavailable right now\./);
    expect(res.citations[0].url).toBe('/library/eu-ai-act-high-risk-systems');
    expect(calls(emu, 'responses')).toBe(1); // no retry on 429
    await search(s, { query: 'board reporting', sessionId });
    expect(calls(emu, 'responses')).toBe(1); // cooling down: not asked again
  });
});

describe('search through SearXNG', () => {
  it('uses the configured SearXNG instance and falls back to the library when it is down', async () => {
    const searx = await startSearxngFake();
    try {
      // A fallback session (key without realtime access): demo sessions only ever search the library.
      const s = await server({ SEARCH_PROVIDER: 'searxng', SEARXNG_URL: searx.url, OPENAI_API_KEY: STANDARD_KEY, OPENAI_BASE_URL: emu.baseUrl });
      const sessionId = await session(s);
      const ok = await (await search(s, { query: 'EU AI Act', sessionId })).json();
      expect(ok.provider).toBe('searxng');
      expect(ok.citations.length).toBeGreaterThan(0);
      searx.setFault({ status: 503 });
      const down = await (await search(s, { query: 'prompt injection', sessionId })).json();
      expect(down.provider).toBe('knowledge');
      expect(down.answer).toMatch(/^The web search is unavailable right now\./);
    } finally {
      await searx.close();
    }
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSearchClient, SEARCH_TIMEOUT_MS } from '../../../src/lib/voice-agent/api/search-client';
import { BUILT_IN_SEARCH_PATH } from '../../../src/lib/voice-agent/api/search-endpoint';

// Real HTTP servers on 127.0.0.1, so the real fetch runs. The "site" server stands in for the page's
// own origin: the injected fetch resolves relative URLs (the built-in route) against it, as a browser
// resolves them against the document.

interface Hit {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

type Handler = (hit: Hit, res: ServerResponse) => void;

interface TestServer {
  url: string;
  hits: Hit[];
  close: () => Promise<void>;
}

const open: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const hit = { method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body };
      hits.push(hit);
      handler(hit, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = () =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true;
          server.closeAllConnections();
          server.close(() => resolve());
        });
  const s = { url: `http://127.0.0.1:${port}`, hits, close };
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const answer = {
  answer: 'The EU AI Act applies to high-risk systems from August 2026.',
  citations: [{ title: 'EU AI Act, Article 113', url: 'https://eur-lex.europa.eu/eli/reg/2024/1689/oj' }],
  provider: 'openai',
  cached: false,
  stale: false,
};

const healthy = { status: 'healthy', service: 'search', provider: 'openai', timestamp: 1 };

/** A search server: `/health` (when `withHealth`) and the search route answering `body`. */
function searchServer(body: unknown = answer, withHealth = false): Handler {
  return (hit, res) => {
    if (withHealth && hit.url === '/health') return json(res, 200, healthy);
    if (hit.method === 'POST') return json(res, 200, body);
    json(res, 404, { success: false, error: { code: 'not_found', message: 'No such route' } });
  };
}

/** fetch as the page would do it: relative URLs resolve against the site's origin. */
const fetchFrom =
  (siteUrl: string): typeof fetch =>
  (input, init) =>
    fetch(new URL(String(input), siteUrl), init);

const searchHits = (s: TestServer) => s.hits.filter((h) => h.method === 'POST');

describe('createSearchClient', () => {
  it('POSTs {query, sessionId} as JSON to the built-in route and returns the answer', async () => {
    const site = await serve(searchServer());
    const client = createSearchClient({}, { fetch: fetchFrom(site.url) });

    const result = await client.search('  When does the EU AI Act apply?  ', 'sess-1');

    expect(result).toMatchObject({ ok: true, data: answer, meta: { status: 200 } });
    expect(site.hits).toEqual([
      {
        method: 'POST',
        url: BUILT_IN_SEARCH_PATH,
        contentType: 'application/json',
        body: { query: 'When does the EU AI Act apply?', sessionId: 'sess-1' },
      },
    ]);
    expect(await client.endpoint()).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
  });

  it('gives searches 20 s by default (server-side search may retry)', () => {
    expect(SEARCH_TIMEOUT_MS).toBe(20_000);
  });

  it('sends searches to the configured URL', async () => {
    const configured = await serve(searchServer({ ...answer, provider: 'searxng', cached: true }));
    const client = createSearchClient({ configuredUrl: `${configured.url}/v1/search` });
    const result = await client.search('q', 's');
    expect(result.ok && result.data.provider).toBe('searxng');
    expect(searchHits(configured).map((h) => h.url)).toEqual(['/v1/search']);
  });

  it('uses a healthy dev server, probing it only once', async () => {
    const dev = await serve(searchServer({ ...answer, provider: 'knowledge' }, true));
    const site = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url }, { fetch: fetchFrom(site.url) });

    await client.search('first', 's');
    const second = await client.search('second', 's');

    expect(second.ok && second.data.provider).toBe('knowledge');
    expect(dev.hits.map((h) => `${h.method} ${h.url}`)).toEqual(['GET /health', 'POST /search', 'POST /search']);
    expect(site.hits).toEqual([]);
  });

  it.each([
    ['answer missing', { ...answer, answer: undefined }],
    ['answer not a string', { ...answer, answer: 42 }],
    ['unknown provider', { ...answer, provider: 'bing' }],
    ['citations not an array', { ...answer, citations: { title: 'x', url: 'https://x.example' } }],
    ['citation without title', { ...answer, citations: [{ url: 'https://x.example' }] }],
    ['citation url not a string', { ...answer, citations: [{ title: 'x', url: 7 }] }],
    ['cached not a boolean', { ...answer, cached: 'no' }],
    ['stale missing', { ...answer, stale: undefined }],
    ['an array', [answer]],
    ['the error shape with 200', { success: false, error: { code: 'x', message: 'y' } }],
  ])('reports invalid-response for a 200 with %s', async (_name, body) => {
    const site = await serve(searchServer(body));
    const result = await createSearchClient({}, { fetch: fetchFrom(site.url) }).search('q', 's');
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'invalid-response', status: 200 }) });
  });

  it('reports a 429 with the seconds to wait', async () => {
    const site = await serve((_hit, res) =>
      json(res, 429, { success: false, error: { code: 'rate_limited', message: 'Too many searches' }, retryAfter: 12 }, { 'Retry-After': '7' }),
    );
    const result = await createSearchClient({}, { fetch: fetchFrom(site.url) }).search('q', 's');
    expect(result).toEqual({
      ok: false,
      error: { kind: 'http', status: 429, code: 'rate_limited', message: 'Too many searches', retryAfterSeconds: 7 },
    });
  });

  it('reports a 404 for an unknown session as it came', async () => {
    const site = await serve((_hit, res) =>
      json(res, 404, { success: false, error: { code: 'session_not_found', message: 'Session not found' } }),
    );
    const result = await createSearchClient({}, { fetch: fetchFrom(site.url) }).search('q', 'gone');
    expect(result.ok === false && result.error).toMatchObject({ kind: 'http', status: 404, code: 'session_not_found' });
  });

  it('falls back to the built-in route, once, when the dev server disappears after it was chosen', async () => {
    const dev = await serve(searchServer({ ...answer, provider: 'knowledge' }, true));
    const site = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url }, { fetch: fetchFrom(site.url) });
    expect(await client.endpoint()).toEqual({ url: `${dev.url}/search`, source: 'dev-server' });

    await dev.close();
    const result = await client.search('q', 's');

    expect(result).toMatchObject({ ok: true, data: answer });
    expect(searchHits(site).map((h) => h.url)).toEqual([BUILT_IN_SEARCH_PATH]);
    expect(await client.endpoint()).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });

    // Later searches go straight to the fallback.
    await client.search('again', 's');
    expect(searchHits(site).map((h) => h.body)).toEqual([
      { query: 'q', sessionId: 's' },
      { query: 'again', sessionId: 's' },
    ]);
  });

  it('falls back to the configured URL (not the built-in route) when one is set', async () => {
    const dev = await serve(searchServer(answer, true));
    const configured = await serve(searchServer({ ...answer, provider: 'searxng' }));
    const site = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url, configuredUrl: `${configured.url}/search` }, { fetch: fetchFrom(site.url) });
    await client.endpoint();
    await dev.close();

    const result = await client.search('q', 's');

    expect(result.ok && result.data.provider).toBe('searxng');
    expect(searchHits(configured)).toHaveLength(1);
    expect(site.hits).toEqual([]);
  });

  it('returns the fallback failure when the fallback is unreachable too (one retry, no loop)', async () => {
    const dev = await serve(searchServer(answer, true));
    const configured = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url, configuredUrl: `${configured.url}/search` });
    await client.endpoint();
    await dev.close();
    await configured.close();

    const result = await client.search('q', 's');

    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'network' }) });
  });

  it('does not fall back when the dev server answered (an HTTP error is an answer)', async () => {
    const dev = await serve((hit, res) =>
      hit.url === '/health'
        ? json(res, 200, healthy)
        : json(res, 503, { success: false, error: { code: 'search_unavailable', message: 'Search is unavailable' } }),
    );
    const site = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url }, { fetch: fetchFrom(site.url) });

    const result = await client.search('q', 's');

    expect(result.ok === false && result.error).toMatchObject({ kind: 'http', status: 503, code: 'search_unavailable' });
    expect(site.hits).toEqual([]);
    expect((await client.endpoint()).source).toBe('dev-server');
  });

  it('does not retry a search the caller cancelled', async () => {
    const dev = await serve(searchServer(answer, true));
    const site = await serve(searchServer());
    const client = createSearchClient({ devServerUrl: dev.url }, { fetch: fetchFrom(site.url) });
    await client.endpoint();
    const controller = new AbortController();
    controller.abort();

    const result = await client.search('q', 's', { signal: controller.signal });

    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'network' }) });
    expect(site.hits).toEqual([]);
  });

  it('times out a search that takes too long', async () => {
    const site = await serve(() => undefined);
    const started = Date.now();
    const result = await createSearchClient({}, { fetch: fetchFrom(site.url), timeoutMs: 200 }).search('q', 's');
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'timeout' }) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('drops citations that are not http(s) URLs or same-origin paths', async () => {
    const citations = [
      { title: 'Kept https', url: 'https://www.example.com/report' },
      { title: 'Kept http', url: 'http://example.org/a' },
      { title: 'Kept library', url: '/library/eu-ai-act' },
      { title: 'Script', url: 'javascript:alert(document.cookie)' },
      { title: 'Script, mixed case', url: 'JaVaScRiPt:alert(1)' },
      { title: 'Data', url: 'data:text/html,<script>alert(1)</script>' },
      { title: 'Protocol-relative', url: '//evil.com/x' },
      { title: 'Backslash', url: '/\\evil.com' },
      { title: 'FTP', url: 'ftp://files.example.com/' },
      { title: 'Relative', url: 'library/x' },
      { title: 'Empty', url: '' },
    ];
    const site = await serve(searchServer({ ...answer, citations }));
    const result = await createSearchClient({}, { fetch: fetchFrom(site.url) }).search('q', 's');
    expect(result.ok && result.data.citations).toEqual([
      { title: 'Kept https', url: 'https://www.example.com/report' },
      { title: 'Kept http', url: 'http://example.org/a' },
      { title: 'Kept library', url: '/library/eu-ai-act' },
    ]);
  });
});

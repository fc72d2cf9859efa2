import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILT_IN_SEARCH_PATH,
  DEFAULT_PROBE_TIMEOUT_MS,
  parseSearchRouting,
  resolveSearchEndpoint,
} from '../../../src/lib/voice-agent/api/search-endpoint';

// Real HTTP servers on 127.0.0.1, so the real fetch (and its failure modes) runs.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  hits: string[];
  close: () => Promise<void>;
}

const open: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const s = { url: `http://127.0.0.1:${port}`, hits, close };
  open.push(s);
  return s;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const healthy = { status: 'healthy', service: 'search', provider: 'knowledge', timestamp: Date.now() };

/** A URL where nothing listens (a server that was started, then stopped). */
async function refusedUrl(): Promise<string> {
  const s = await serve(() => undefined);
  await s.close();
  return s.url;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('resolveSearchEndpoint', () => {
  it('uses the dev server when its /health says it is the search service', async () => {
    const dev = await serve((_req, res) => json(res, 200, healthy));
    const endpoint = await resolveSearchEndpoint({ devServerUrl: dev.url, configuredUrl: '/elsewhere' });
    expect(endpoint).toEqual({ url: `${dev.url}/search`, source: 'dev-server' });
    expect(dev.hits).toEqual(['GET /health']);
  });

  it('accepts a degraded (not unhealthy) dev server', async () => {
    const dev = await serve((_req, res) => json(res, 200, { ...healthy, status: 'degraded' }));
    expect((await resolveSearchEndpoint({ devServerUrl: dev.url })).source).toBe('dev-server');
  });

  it('probes <devServerUrl>/health even when the URL has trailing slashes', async () => {
    const dev = await serve((req, res) => (req.url === '/health' ? json(res, 200, healthy) : json(res, 404, {})));
    const endpoint = await resolveSearchEndpoint({ devServerUrl: `${dev.url}//` });
    expect(endpoint).toEqual({ url: `${dev.url}/search`, source: 'dev-server' });
  });

  const unusable: Array<[string, Handler]> = [
    ['503 unhealthy', (_req, res) => json(res, 503, { ...healthy, status: 'unhealthy' })],
    ['200 but status unhealthy', (_req, res) => json(res, 200, { ...healthy, status: 'unhealthy' })],
    ['200 without service', (_req, res) => json(res, 200, { status: 'healthy', timestamp: 1 })],
    ['200 from another service', (_req, res) => json(res, 200, { ...healthy, service: 'voice-agent' })],
    ['200 with a non-JSON body', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<h1>healthy search</h1>');
    }],
    ['500', (_req, res) => json(res, 500, healthy)],
  ];

  describe.each(unusable)('dev server answers %s', (_name, handler) => {
    it('falls back to the configured URL when one is set', async () => {
      const dev = await serve(handler);
      const endpoint = await resolveSearchEndpoint({ devServerUrl: dev.url, configuredUrl: 'https://search.example.com/v1/search' });
      expect(endpoint).toEqual({ url: 'https://search.example.com/v1/search', source: 'configured' });
      expect(dev.hits).toEqual(['GET /health']);
    });

    it('falls back to the built-in route otherwise', async () => {
      const dev = await serve(handler);
      expect(await resolveSearchEndpoint({ devServerUrl: dev.url })).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
    });
  });

  it('falls back when the dev server refuses the connection', async () => {
    const devServerUrl = await refusedUrl();
    expect(await resolveSearchEndpoint({ devServerUrl })).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
    expect(await resolveSearchEndpoint({ devServerUrl, configuredUrl: '/search-proxy' })).toEqual({
      url: '/search-proxy',
      source: 'configured',
    });
  });

  it('gives up on a slow dev server after the probe timeout (default 800 ms)', async () => {
    expect(DEFAULT_PROBE_TIMEOUT_MS).toBe(800);
    const dev = await serve((_req, res) => {
      setTimeout(() => json(res, 200, healthy), 3_000).unref();
    });
    const started = Date.now();
    const endpoint = await resolveSearchEndpoint({ devServerUrl: dev.url });
    const elapsed = Date.now() - started;
    expect(endpoint.source).toBe('built-in');
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('gives up when the headers arrive in time but the body does not', async () => {
    const dev = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"healthy",');
      setTimeout(() => res.end('"service":"search"}'), 2_000).unref();
    });
    const started = Date.now();
    const endpoint = await resolveSearchEndpoint({ devServerUrl: dev.url }, { probeTimeoutMs: 150 });
    expect(endpoint.source).toBe('built-in');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('never probes without a devServerUrl', async () => {
    let calls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    expect(await resolveSearchEndpoint({}, { fetch: countingFetch })).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
    expect(await resolveSearchEndpoint({ configuredUrl: '/api/search' }, { fetch: countingFetch })).toEqual({
      url: '/api/search',
      source: 'configured',
    });
    expect(calls).toBe(0);
  });

  it('uses the injected fetch for the probe', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify(healthy), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const endpoint = await resolveSearchEndpoint({ devServerUrl: 'http://localhost:3001' }, { fetch: fakeFetch });
    expect(endpoint).toEqual({ url: 'http://localhost:3001/search', source: 'dev-server' });
    expect(seen).toEqual(['http://localhost:3001/health']);
  });

  it('takes a configured same-origin path or absolute URL as it is', async () => {
    expect(await resolveSearchEndpoint({ configuredUrl: '/search/api' })).toEqual({ url: '/search/api', source: 'configured' });
    expect(await resolveSearchEndpoint({ configuredUrl: 'https://search.example.com/q' })).toEqual({
      url: 'https://search.example.com/q',
      source: 'configured',
    });
  });

  it.each(['javascript:alert(1)', '//evil.com/search', 'search', ''])(
    'ignores an unsafe configured URL handed to it directly (%s)',
    async (configuredUrl) => {
      expect(await resolveSearchEndpoint({ configuredUrl })).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
    },
  );
});

describe('parseSearchRouting', () => {
  it('reads both values', () => {
    expect(
      parseSearchRouting(JSON.stringify({ configuredUrl: 'https://search.example.com/search', devServerUrl: 'http://localhost:3001' })),
    ).toEqual({ configuredUrl: 'https://search.example.com/search', devServerUrl: 'http://localhost:3001' });
    expect(parseSearchRouting('{"configuredUrl":"/proxy/search"}')).toEqual({ configuredUrl: '/proxy/search' });
  });

  it.each([undefined, null, '', '   ', 'not json', '{"configuredUrl":', '[]', 'null', '42', '"https://x.example"', '{}'])(
    'gives {} for missing or garbage input (%s)',
    (raw) => {
      expect(parseSearchRouting(raw)).toEqual({});
    },
  );

  it('ignores values that are not strings', () => {
    expect(parseSearchRouting(JSON.stringify({ configuredUrl: 42, devServerUrl: { href: 'http://localhost:3001' } }))).toEqual({});
    expect(parseSearchRouting(JSON.stringify({ configuredUrl: ['/a'], devServerUrl: true }))).toEqual({});
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '//evil.com',
    '//evil.com/search',
    '/\\evil.com',
    '\\\\evil.com',
    'ftp://files.example.com/search',
    'https://user:secret@search.example.com/',
    'search',
    'https:evil.com',
    '/path with space',
    '/line\nbreak',
  ])('drops the unsafe configuredUrl %j', (configuredUrl) => {
    expect(parseSearchRouting(JSON.stringify({ configuredUrl }))).toEqual({});
  });

  it.each([
    'javascript:alert(1)',
    '//localhost:3001',
    '/search-server',
    'localhost:3001',
    'http://localhost:3001/?x=1',
    'http://localhost:3001/#x',
    'ws://localhost:3001',
  ])('drops the unsafe devServerUrl %j', (devServerUrl) => {
    expect(parseSearchRouting(JSON.stringify({ devServerUrl }))).toEqual({});
  });

  it('keeps a safe value when the other one is dropped', () => {
    expect(parseSearchRouting(JSON.stringify({ configuredUrl: 'javascript:alert(1)', devServerUrl: 'http://localhost:3001' }))).toEqual({
      devServerUrl: 'http://localhost:3001',
    });
  });

  it('strips trailing slashes from devServerUrl', () => {
    expect(parseSearchRouting('{"devServerUrl":"http://localhost:3001/"}')).toEqual({ devServerUrl: 'http://localhost:3001' });
    expect(parseSearchRouting('{"devServerUrl":"http://127.0.0.1:3001///"}')).toEqual({ devServerUrl: 'http://127.0.0.1:3001' });
    expect(parseSearchRouting('{"devServerUrl":"https://dev.example.com/search-server/"}')).toEqual({
      devServerUrl: 'https://dev.example.com/search-server',
    });
  });
});

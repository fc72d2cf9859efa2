/**
 * CORS as a real browser enforces it: a page served from another origin (a tiny node:http server on
 * another port) calls the app's token endpoint with a JSON POST, which makes Chromium send a
 * preflight. An origin in ALLOWED_ORIGINS gets its token; any other origin's fetch fails in the
 * browser and the app logs `corsViolation`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { chromiumSkipNote, haveChromium, launchBrowser, type BrowserSession } from '../helpers/browser';

interface ThirdParty {
  /** `http://127.0.0.1:<port>`: what the browser sends as Origin. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** A page at `/` whose external `/app.js` POSTs to `<app>/api/voice-agent/token` and records the outcome. */
async function startThirdPartySite(appUrl: () => string): Promise<ThirdParty> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><head><title>pending</title><script src="/app.js" defer></script></head><body>partner</body></html>');
    } else if (path === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`(async () => {
  try {
    const res = await fetch(${JSON.stringify(`${appUrl()}/api/voice-agent/token`)}, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    window.__result = { ok: true, status: res.status, body: await res.json() };
  } catch (error) {
    window.__result = { ok: false, error: String(error) };
  }
  document.title = 'done';
})();`);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface FetchOutcome {
  ok: boolean;
  status?: number;
  body?: Record<string, unknown>;
  error?: string;
}

describe.skipIf(!haveChromium)(`cross-origin calls from Chromium${chromiumSkipNote}`, () => {
  let browser: BrowserSession;
  let app: AppServer;
  let allowed: ThirdParty;
  let other: ThirdParty;

  beforeAll(async () => {
    const appUrl = () => app.url;
    [allowed, other, browser] = await Promise.all([startThirdPartySite(appUrl), startThirdPartySite(appUrl), launchBrowser()]);
    app = await startAppServer({
      ALLOWED_ORIGINS: allowed.origin,
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
      MAX_SESSIONS_PER_IP: '1000',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.stop(), allowed?.close(), other?.close()]);
  });

  async function runFrom(pageUrl: string): Promise<FetchOutcome> {
    const page = await browser.context.newPage();
    try {
      await page.goto(pageUrl);
      await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 15_000 });
      return await page.evaluate(() => (window as unknown as { __result: FetchOutcome }).__result);
    } finally {
      await page.close();
    }
  }

  const tokensIssued = () => app.logs.filter((l) => l.event === 'tokenGenerated').length;

  it('an origin listed in ALLOWED_ORIGINS gets a 200 with a token', async () => {
    const before = tokensIssued();
    const result = await runFrom(`${allowed.origin}/`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, status: 200, body: { success: true, mode: 'demo' } });
    expect(typeof result.body!.token).toBe('string');
    expect(String(result.body!.token).length).toBeGreaterThan(20);
    // Log lines come through a pipe and may trail the HTTP response: wait for exactly one more.
    await app.waitForLog(() => tokensIssued() >= before + 1);
    expect(tokensIssued()).toBe(before + 1);
    expect(app.logs.some((l) => l.event === 'corsViolation' && l.origin === allowed.origin)).toBe(false);
  });

  it('an origin not listed is refused: the browser fetch fails, no token is issued, and corsViolation is logged', async () => {
    const before = tokensIssued();
    const result = await runFrom(`${other.origin}/`);
    expect(result.ok).toBe(false);
    expect(result.error).toBe('TypeError: Failed to fetch');
    const violation = await app.waitForLog((l) => l.event === 'corsViolation' && l.origin === other.origin);
    expect(violation).toMatchObject({ path: '/api/voice-agent/token', ip: '127.0.0.1' });
    // Refused at the preflight: the POST itself never ran.
    expect(tokensIssued()).toBe(before);
  });

  it('the same server reached as localhost is a different origin, and is refused too', async () => {
    const result = await runFrom(`http://localhost:${allowed.port}/`);
    expect(result).toMatchObject({ ok: false, error: 'TypeError: Failed to fetch' });
    await app.waitForLog((l) => l.event === 'corsViolation' && l.origin === `http://localhost:${allowed.port}`);
  });
});

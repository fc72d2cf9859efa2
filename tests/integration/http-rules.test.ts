/**
 * Security Architecture and Caching Strategy, checked on the built server: CORS, input validation,
 * methods, security and cache headers, HTTPS rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startAppServer, type AppServer } from '../helpers/app-server';

const PARTNER = 'https://partner.example.com';
let s: AppServer;
beforeAll(async () => {
  s = await startAppServer({ ALLOWED_ORIGINS: PARTNER, RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' });
});
afterAll(async () => {
  await s.stop();
});

const post = (path: string, init: RequestInit = {}) => s.fetch(path, { method: 'POST', ...init });

async function expectJsonError(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = await res.json();
  expect(body.success).toBe(false);
  expect(typeof body.error.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  if (code) expect(body.error.code).toBe(code);
  return body;
}

describe('CORS', () => {
  it('serves same-origin requests and allowed origins (with ACAO), refuses others with 403 + corsViolation log', async () => {
    const same = await post('/api/voice-agent/token', { headers: { Origin: s.url } });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();

    const partner = await post('/api/voice-agent/token', { headers: { Origin: PARTNER } });
    expect(partner.status).toBe(200);
    expect(partner.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(partner.headers.get('vary')).toContain('Origin');

    for (const origin of ['https://evil.example.net', `${PARTNER}.evil.net`, 'https://evilpartner.example.com', 'null', 'http://partner.example.com']) {
      const res = await post('/api/voice-agent/token', { headers: { Origin: origin } });
      await expectJsonError(res, 403, 'origin_not_allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const violation = await s.waitForLog((l) => l.event === 'corsViolation' && l.origin === 'https://evil.example.net');
    expect(violation).toHaveProperty('ip', '127.0.0.1');
  });

  it('answers preflights for allowed origins only', async () => {
    const ok = await s.fetch('/api/voice-agent/token', {
      method: 'OPTIONS',
      headers: { Origin: PARTNER, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const bad = await s.fetch('/api/voice-agent/token', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example.net', 'Access-Control-Request-Method': 'POST' },
    });
    await expectJsonError(bad, 403, 'origin_not_allowed');
  });

  it('an allowed origin with a form content type gets our JSON 415, not a plain-text CSRF 403', async () => {
    const res = await post('/api/voice-agent/end-session', {
      headers: { Origin: PARTNER, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'sessionId=x',
    });
    await expectJsonError(res, 415, 'unsupported_media_type');
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
  });
});

describe('input validation', () => {
  it('400 for invalid JSON, unknown or malformed fields', async () => {
    const json = { 'Content-Type': 'application/json' };
    await expectJsonError(await post('/api/voice-agent/refresh-token', { headers: json, body: '{"sessionId":' }), 400, 'invalid_json');
    await expectJsonError(await post('/api/voice-agent/refresh-token', { headers: json, body: '{}' }), 400, 'invalid_request');
    await expectJsonError(await post('/api/voice-agent/refresh-token', { headers: json, body: '{"sessionId":"../../etc"}' }), 400, 'invalid_request');
    await expectJsonError(await post('/api/voice-agent/end-session', { headers: json, body: '[1,2]' }), 400);
    await expectJsonError(await post('/api/voice-agent/token', { headers: json, body: '{"mode":"realtime"}' }), 400);
  });

  it('415 for non-JSON bodies', async () => {
    await expectJsonError(await post('/api/voice-agent/token', { headers: { 'Content-Type': 'text/plain' }, body: 'hi' }), 415);
    await expectJsonError(await post('/api/voice-agent/end-session', { body: new Blob(['{"sessionId":"x"}'], { type: 'multipart/form-data' }) }), 415);
  });

  it('413 above 16 KB, whether announced or streamed', async () => {
    const big = JSON.stringify({ sessionId: 'x'.repeat(17 * 1024) });
    await expectJsonError(await post('/api/voice-agent/end-session', { headers: { 'Content-Type': 'application/json' }, body: big }), 413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        c.close();
      },
    });
    const res = await s.fetch('/api/voice-agent/end-session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectJsonError(res, 413, 'payload_too_large');
  });

  it('405 with Allow for wrong methods', async () => {
    const res = await s.fetch('/api/voice-agent/token');
    await expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toContain('POST');
    const del = await s.fetch('/api/voice-agent/health', { method: 'DELETE' });
    await expectJsonError(del, 405);
    expect(del.headers.get('allow')).toContain('GET');
    await expectJsonError(await s.fetch('/metrics', { method: 'POST' }), 405);
  });

  it('the end-session beacon (same origin, JSON Blob) works', async () => {
    const t = await (await post('/api/voice-agent/token', { headers: { Origin: s.url } })).json();
    const res = await post('/api/voice-agent/end-session', {
      headers: { Origin: s.url, 'Content-Type': 'application/json' },
      body: new Blob([JSON.stringify({ sessionId: t.sessionId })], { type: 'application/json' }),
    });
    expect(res.status).toBe(200);
  });
});

describe('headers', () => {
  it('API responses: no-store, nosniff, locked-down CSP', async () => {
    const res = await s.fetch('/api/voice-agent/health');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP here
  });

  it('pages: revalidated HTML with CSP, Referrer-Policy and microphone only for ourselves', async () => {
    for (const path of ['/', '/coach']) {
      const res = await s.fetch(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("'unsafe-inline' 'self'"); // scripts: no unsafe-inline
      expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain('connect-src');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toContain('microphone=(self)');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('hashed assets under /_assets/ are immutable for a year', async () => {
    const dir = fileURLToPath(new URL('../../dist/client/_assets/', import.meta.url));
    const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const res = await s.fetch(`/_assets/${files[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('unknown API paths are JSON 404s', async () => {
    const res = await s.fetch('/api/voice-agent/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('HTTPS behind a trusted proxy', () => {
  it('sends HSTS only when the trusted proxy says the client used HTTPS', async () => {
    const proxied = await startAppServer({ TRUST_PROXY: '1' });
    try {
      const secure = await proxied.fetch('/api/voice-agent/health', { headers: { 'X-Forwarded-Proto': 'https' } });
      expect(secure.headers.get('strict-transport-security')).toContain('max-age=31536000');
      const plain = await s.fetch('/api/voice-agent/health', { headers: { 'X-Forwarded-Proto': 'https' } });
      expect(plain.headers.get('strict-transport-security')).toBeNull(); // TRUST_PROXY=0 ignores it
    } finally {
      await proxied.stop();
    }
  });

  it('REQUIRE_HTTPS refuses plain HTTP from non-loopback clients (403 JSON for the API, 308 for pages)', async () => {
    const strict = await startAppServer({ TRUST_PROXY: '1', REQUIRE_HTTPS: 'on' });
    try {
      const remote = { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'http' };
      await expectJsonError(await strict.fetch('/api/voice-agent/token', { method: 'POST', headers: remote }), 403, 'https_required');
      const page = await strict.fetch('/coach', { headers: remote, redirect: 'manual' });
      expect(page.status).toBe(308);
      expect(page.headers.get('location')).toMatch(/^https:\/\/.+\/coach$/);
      const secure = await strict.fetch('/api/voice-agent/token', {
        method: 'POST',
        headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' },
      });
      expect(secure.status).toBe(200);
      // Loopback clients (local development, health probes) are exempt.
      expect((await strict.fetch('/api/voice-agent/token', { method: 'POST' })).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });
});

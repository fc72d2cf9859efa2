import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

describe('auth, envelopes and headers', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.close());

  it('missing Authorization → 401 without code', async () => {
    for (const headers of [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer ' }]) {
      const r = await raw(emu, '/v1/models', { headers });
      expect(r.status).toBe(401);
      expectEnvelope(expect, r.json);
      expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
      expect(r.json.error.message).toMatch(/^You didn't provide an API key\./);
      expect(r.res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });

  it('unknown key → AuthenticationError invalid_api_key, key masked', async () => {
    const key = 'sk-abcdefghijklmnopqrstuvwxyz0123456789';
    const e = await rejectionOf(client(emu, { apiKey: key }).models.list());
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(e.status).toBe(401);
    expect(e.code).toBe('invalid_api_key');
    expect(e.message).toMatch(/Incorrect API key provided: sk-ab\*\*\*\.\.\.6789\./);
    expect(e.message).not.toContain(key);
    expect(e.requestID).toMatch(/^req_/);
    // Short keys are never echoed either.
    const e2 = await rejectionOf(client(emu, { apiKey: 'short' }).models.list());
    expect(e2.message).not.toContain('short');
  });

  it('unknown route → 404 Invalid URL envelope (also the beta /realtime/sessions)', async () => {
    const r = await raw(emu, '/v1/realtime/sessions', { method: 'POST', headers: { Authorization: `Bearer ${REALTIME_KEY}` }, body: '{}' });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: { message: 'Invalid URL (POST /v1/realtime/sessions)', type: 'invalid_request_error', param: null, code: null } });
    const r2 = await raw(emu, '/v1/realtime/client_secrets', { headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
    expect(r2.json.error.message).toBe('Invalid URL (GET /v1/realtime/client_secrets)');
    const r3 = await raw(emu, '/nothing-here');
    expect(r3.status).toBe(404);
    expectEnvelope(expect, r3.json);
  });

  it('success responses carry OpenAI headers and x-ratelimit-*', async () => {
    const { response, request_id } = await client(emu).models.list().withResponse();
    expect(request_id).toMatch(/^req_/);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
    for (const h of ['limit-requests', 'limit-tokens', 'remaining-requests', 'remaining-tokens', 'reset-requests', 'reset-tokens'])
      expect(response.headers.get(`x-ratelimit-${h}`)).toBeTruthy();
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(ms|s|m\d+s)$/);
  });

  it('CORS preflight (no auth, not counted)', async () => {
    emu.reset();
    const r = await raw(emu, '/v1/realtime/client_secrets', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:4321', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.res.headers.get('access-control-allow-origin')).toBe('*');
    const allow = r.res.headers.get('access-control-allow-headers') ?? '';
    for (const h of ['Authorization', 'Content-Type', 'X-OpenAI-Agents-SDK']) expect(allow).toContain(h);
    expect(r.res.headers.get('access-control-expose-headers')).toContain('Location');
    expect(emu.stats().counts).toEqual({});
  });

  it('custom keys option replaces the defaults', async () => {
    const custom = await start({ keys: { 'sk-only-this-one-1234': { realtime: false } }, acceptEmuKeys: false });
    try {
      await client(custom, { apiKey: 'sk-only-this-one-1234' }).models.list();
      expect((await rejectionOf(client(custom, { apiKey: REALTIME_KEY }).models.list())).status).toBe(401);
      expect((await rejectionOf(client(custom, { apiKey: 'sk-emu-x' }).models.list())).status).toBe(401);
    } finally {
      await custom.close();
    }
  });

  it('oversized body → 413 envelope and the server stays up', async () => {
    const small = await start({ maxBodyBytes: 1024 });
    try {
      const r = await raw(small, '/v1/realtime/client_secrets', {
        method: 'POST', headers: { Authorization: `Bearer ${REALTIME_KEY}` }, body: 'x'.repeat(4096),
      });
      expect(r.status).toBe(413);
      expectEnvelope(expect, r.json);
      await client(small).models.list();
    } finally {
      await small.close();
    }
  });
});

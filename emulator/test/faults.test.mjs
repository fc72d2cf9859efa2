import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

describe('fault injection', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  const mint = (c = client(emu)) =>
    c.realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } });

  it('429 rate_limit_exceeded → RateLimitError with Retry-After', async () => {
    emu.setFaults({ route: 'client_secrets', status: 429, retryAfter: 2 });
    const e = await rejectionOf(mint());
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.headers.get('retry-after')).toBe('2');
    expect(e.headers.get('retry-after-ms')).toBe('2000');
    expect(e.requestID).toMatch(/^req_/);
  });

  it('the SDK honours retry-after-ms and succeeds once the fault clears', async () => {
    emu.setFaults({ route: 'client_secrets', status: 429, retryAfterMs: 20, times: 1 });
    const r = await mint(client(emu, { maxRetries: 1 }));
    expect(r.value).toMatch(/^ek_/);
    expect(emu.stats().counts.client_secrets).toBe(2);
  });

  it('429 insufficient_quota has no Retry-After', async () => {
    emu.setFaults({ status: 429, code: 'insufficient_quota' });
    const e = await rejectionOf(mint());
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e.code).toBe('insufficient_quota');
    expect(e.type).toBe('insufficient_quota');
    expect(e.headers.get('retry-after')).toBeNull();
  });

  it.each([
    [500, OpenAI.InternalServerError, 'server_error', null],
    [502, OpenAI.InternalServerError, 'server_error', null],
    [503, OpenAI.InternalServerError, 'server_error', null],
    [401, OpenAI.AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
    [403, OpenAI.PermissionDeniedError, 'request_forbidden', 'unsupported_country_region_territory'],
    [404, OpenAI.NotFoundError, 'invalid_request_error', 'model_not_found'],
  ])('status %i → %o', async (status, Cls, type, code) => {
    emu.setFaults({ route: 'client_secrets', status });
    const e = await rejectionOf(mint());
    expect(e).toBeInstanceOf(Cls);
    expect(e.status).toBe(status);
    expect(e.type).toBe(type);
    expect(e.code).toBe(code);
    expect(e.message).not.toContain(REALTIME_KEY);
  });

  it('403 model_not_found via code, with the requested model in the message', async () => {
    emu.setFaults({ status: 403, code: 'model_not_found' });
    const e = await rejectionOf(mint());
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(e.error.message).toBe('The model `gpt-realtime-2.1` does not exist or you do not have access to it.');
  });

  it('route scope: a client_secrets fault leaves /models alone; "models" covers models.retrieve', async () => {
    emu.setFaults({ route: 'client_secrets', status: 500 });
    await client(emu).models.list();
    emu.setFaults({ route: 'models', status: 503 });
    expect((await rejectionOf(client(emu).models.retrieve('gpt-4o-mini'))).status).toBe(503);
    expect((await mint()).value).toMatch(/^ek_/);
  });

  it('times: n applies to the next n matching requests, then clears', async () => {
    emu.setFaults({ route: 'models', status: 500, times: 2 });
    expect((await rejectionOf(client(emu).models.list())).status).toBe(500);
    expect((await rejectionOf(client(emu).models.list())).status).toBe(500);
    await client(emu).models.list();
    expect(emu.stats().faults).toEqual([]);
    expect(emu.stats().counts.models).toBe(3);
  });

  it('latencyMs delays the answer', async () => {
    emu.setFaults({ latencyMs: 150 });
    const t0 = performance.now();
    await client(emu).models.list();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('hang → the client times out (APIConnectionTimeoutError)', async () => {
    emu.setFaults({ route: 'client_secrets', hang: true });
    const e = await rejectionOf(mint(client(emu, { timeout: 300 })));
    expect(e).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    emu.setFaults({ timeout: true, times: 1 });
    expect(await rejectionOf(client(emu, { timeout: 200 }).models.list())).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await client(emu).models.list(); // the server is still healthy
  });

  it('dropConnection → APIConnectionError', async () => {
    emu.setFaults({ dropConnection: true, times: 1 });
    const e = await rejectionOf(client(emu).models.list());
    expect(e).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(e).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await client(emu).models.list();
  });

  it('custom message/headers and x-should-retry', async () => {
    emu.setFaults({ status: 500, message: 'boom', shouldRetry: false, headers: { 'x-extra': 'y' } });
    const r = await raw(emu, '/v1/models', { headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
    expectEnvelope(expect, r.json);
    expect(r.json.error.message).toBe('boom');
    expect(r.res.headers.get('x-should-retry')).toBe('false');
    expect(r.res.headers.get('x-extra')).toBe('y');
  });

  it('invalid faults are rejected', () => {
    expect(() => emu.setFaults({ status: 200 })).toThrow(TypeError);
    expect(() => emu.setFaults({ stauts: 500 })).toThrow(/unknown fault option/);
    expect(() => emu.setFaults({ route: 'models' })).toThrow(/needs one of/);
    expect(() => emu.setFaults({ status: 500, times: 0 })).toThrow(TypeError);
  });

  it('close() ends hung requests', async () => {
    const other = await start({ faults: { hang: true } });
    const p = rejectionOf(client(other, { timeout: 10_000 }).models.list());
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect(await p).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

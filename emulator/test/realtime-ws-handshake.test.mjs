// Realtime WebSocket handshake (auth, models, beta refusal), realtime faults and the realtime control API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT } from '../lib/realtime/conversation-script.mjs';
import { STANDARD_KEY, expectEnvelope, raw } from './helpers.mjs';
import { connect, handshakeFailure, mint, rawClient, sleep, startRealtime, utterance, wsUrl } from './realtime-ws-helpers.mjs';

describe('realtime WebSocket handshake', () => {
  let clock = Date.now();
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime({ now: () => clock });
  });
  afterAll(() => emu.close());

  it('no key → 401 before the upgrade (JSON envelope, request id)', async () => {
    const r = await handshakeFailure(wsUrl(emu));
    expect(r.status).toBe(401);
    expectEnvelope(expect, r.body);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: null });
    expect(r.body.error.message).toMatch(/^You didn't provide an API key/);
    expect(r.headers['x-request-id']).toMatch(/^req_/);
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('unknown sk- key → 401 invalid_api_key (masked); unknown or expired ek_ → 401', async () => {
    const bad = await handshakeFailure(wsUrl(emu), { headers: { Authorization: 'Bearer sk-wrong-key-123456789' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_api_key');
    expect(bad.body.error.message).toContain('sk-wr***...6789');
    const unknownEk = await handshakeFailure(wsUrl(emu), { protocols: ['realtime', 'openai-insecure-api-key.ek_doesnotexist000000000000000000'] });
    expect(unknownEk).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });

    const secret = await mint(emu, { expires_after: { anchor: 'created_at', seconds: 10 }, session: { type: 'realtime', model: 'gpt-realtime-2.1' } });
    const live = await connect(wsUrl(emu), { protocols: ['realtime', `openai-insecure-api-key.${secret.value}`] });
    clock += 11_000;
    try {
      const expired = await handshakeFailure(wsUrl(emu), { protocols: ['realtime', `openai-insecure-api-key.${secret.value}`] });
      expect(expired.status).toBe(401);
      expect(expired.body.error).toMatchObject({ code: 'invalid_api_key' });
      expect(expired.body.error.message).toMatch(/expired/);
      // a session that already started keeps running after its secret expired
      live.send({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } });
      expect((await live.next('session.updated')).session.instructions).toBe('still here');
    } finally {
      clock -= 11_000;
      live.close();
    }
  });

  it('sk- key without realtime access → 403 model_not_found; missing model → 400; unknown call_id → 404; other paths → 404', async () => {
    const std = await handshakeFailure(wsUrl(emu), { headers: { Authorization: `Bearer ${STANDARD_KEY}` } });
    expect(std.status).toBe(403);
    expect(std.body.error).toEqual({ message: 'The model `gpt-realtime-2.1` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' });
    const noModel = await handshakeFailure(wsUrl(emu, ''), { headers: { Authorization: 'Bearer sk-test-realtime' } });
    expect(noModel).toMatchObject({ status: 400, body: { error: { code: 'missing_required_parameter', param: 'model' } } });
    const call = await handshakeFailure(wsUrl(emu, 'call_id=rtc_123'), { headers: { Authorization: 'Bearer sk-test-realtime' } });
    expect(call).toMatchObject({ status: 404, body: { error: { message: "Call with id 'rtc_123' not found.", type: 'invalid_request_error', param: 'call_id', code: 'call_not_found' } } });
    const other = await handshakeFailure(`${emu.url.replace('http', 'ws')}/v1/realtime/other`, { headers: { Authorization: 'Bearer sk-test-realtime' } });
    expect(other).toMatchObject({ status: 404, body: { error: { message: 'Invalid URL (GET /v1/realtime/other)' } } });
  });

  it('header auth (Node) and subprotocol auth (browser) both work; `realtime` is echoed', async () => {
    const node = await connect(wsUrl(emu), { key: 'sk-test-realtime' });
    expect(node.events[0].session.model).toBe('gpt-realtime-2.1');
    node.close();
    const browser = await connect(wsUrl(emu, 'model=gpt-realtime-2'), { protocols: ['realtime', 'openai-insecure-api-key.sk-emu-browser', 'openai-agents-sdk.0.14.3'] });
    expect(browser.ws.protocol).toBe('realtime');
    expect(browser.events[0].session.model).toBe('gpt-realtime-2');
    browser.close();
  });

  it('beta clients (subprotocol or OpenAI-Beta header) get error beta_api_shape_disabled and close 4000', async () => {
    for (const o of [{ protocols: ['realtime', 'openai-insecure-api-key.sk-test-realtime', 'openai-beta.realtime-v1'] }, { headers: { 'OpenAI-Beta': 'realtime=v1' } }]) {
      const c = rawClient(wsUrl(emu), o);
      await c.opened;
      const err = await c.next('error');
      expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'beta_api_shape_disabled' });
      expect(await c.closed).toEqual({ code: 4000, reason: 'invalid_request_error.beta_api_shape_disabled' });
      expect(c.types()).toEqual(['error']);
    }
  });

  it('an unknown model with an sk- key opens, then responses fail with model_not_found', async () => {
    const c = await connect(wsUrl(emu, 'model=gpt-4o-realtime-preview'));
    c.send({ type: 'response.create' });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { code: 'model_not_found' } }, output: [] });
    c.close();
  });

  it('counts handshakes (including failures) under the route name `realtime`', async () => {
    const before = emu.stats().counts.realtime ?? 0;
    await handshakeFailure(wsUrl(emu));
    expect(emu.stats().counts.realtime).toBe(before + 1);
    expect(emu.stats().lastRequest.realtime.status).toBe(401);
  });
});

describe('realtime faults', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.resetFaults());

  it('status faults refuse the handshake like OpenAI (429 with Retry-After), then clear', async () => {
    emu.setFaults({ route: 'realtime', status: 429, times: 1, retryAfter: 2 });
    const r = await handshakeFailure(wsUrl(emu));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('2');
    expect(r.body.error.code).toBe('rate_limit_exceeded');
    (await connect(wsUrl(emu))).close();
  });

  it('dropConnection without a trigger destroys the upgrade socket', async () => {
    emu.setFaults({ route: 'realtime', dropConnection: true, times: 1 });
    const r = await handshakeFailure(wsUrl(emu));
    expect(r.status).toBeNull();
  });

  it('dropConnection after N server events: exactly N events, then an abnormal close (1006)', async () => {
    emu.setFaults({ route: 'realtime', dropConnection: true, afterEvents: 3, times: 1 });
    const c = rawClient(wsUrl(emu));
    await c.opened;
    c.send({ type: 'session.update', session: { type: 'realtime' } });
    c.send({ type: 'response.create' });
    expect((await c.closed).code).toBe(1006);
    expect(c.types()).toEqual(['session.created', 'session.updated', 'response.created']);
    expect(emu.realtimeSessions().at(-1).endedBy).toBe('fault:dropConnection');
    expect(emu.listFaults()).toEqual([]);
  });

  it('dropConnection after T ms', async () => {
    emu.setFaults({ route: 'realtime.websocket', dropConnection: true, afterMs: 80 });
    const c = rawClient(wsUrl(emu));
    await c.opened;
    const t0 = Date.now();
    expect((await c.closed).code).toBe(1006);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(60);
  });

  it('sessionExpired: error session_expired, then close 1001', async () => {
    emu.setFaults({ route: 'realtime', sessionExpired: true, afterMs: 50 });
    const c = rawClient(wsUrl(emu));
    await c.opened;
    const err = await c.next('error');
    expect(err.error).toEqual({ type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.', param: null, event_id: null });
    expect((await c.closed).code).toBe(1001);
    expect(emu.realtimeSessions().at(-1).endedBy).toBe('session_expired');
  });

  it('errorEvent: the next response becomes that error (echoing event_id); the one after works', async () => {
    emu.setFaults({ route: 'realtime', errorEvent: { type: 'server_error', code: 'upstream_overloaded', message: 'Boom.' } });
    const c = await connect(wsUrl(emu));
    c.send({ type: 'response.create', event_id: 'r1' });
    expect((await c.next('error')).error).toEqual({ type: 'server_error', code: 'upstream_overloaded', message: 'Boom.', param: null, event_id: 'r1' });
    expect(c.types()).not.toContain('response.created');
    c.send({ type: 'response.create', event_id: 'r2' });
    expect((await c.next('response.done')).response.status).toBe('completed');
    c.close();
  });

  it('failResponse: response.done with status failed and the error', async () => {
    emu.setFaults({ route: 'realtime', failResponse: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model `gpt-realtime-2.1` does not exist or you do not have access to it.' } });
    const c = await connect(wsUrl(emu));
    c.appendPcm(utterance(300, 300));
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { code: 'model_not_found' } } });
    c.close();
  });

  it('invalid realtime faults are rejected', () => {
    expect(() => emu.setFaults({ dropConnection: true, afterEvents: 0 })).toThrow(/afterEvents/);
    expect(() => emu.setFaults({ afterMs: 5 })).toThrow(/needs one of|afterMs/);
    expect(() => emu.setFaults({ status: 500, errorEvent: { code: 'x' } })).toThrow(/cannot be combined/);
    expect(() => emu.setFaults({ errorEvent: { code: 5 } })).toThrow(/errorEvent.code/);
    expect(() => emu.setFaults({ sessionExpired: true, errorEvent: {} })).toThrow(/exactly one/);
  });
});

describe('realtime control API', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());
  const post = (path, body) => raw(emu, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('POST /__emulator/realtime/script sets the conversation script; DELETE restores the default', async () => {
    const script = [{ user: 'Test line one.', assistant: 'Scripted answer one.' }];
    const r = await post('/__emulator/realtime/script', { script });
    expect(r.status).toBe(200);
    expect(r.json.script).toEqual(script);
    const secret = await mint(emu, { session: { type: 'realtime', model: 'gpt-realtime-2.1', audio: { input: { transcription: { model: 'whisper-1' } } } } });
    const c = await connect(wsUrl(emu), { key: secret.value });
    c.appendPcm(utterance(300, 300));
    expect((await c.next('conversation.item.input_audio_transcription.delta')).delta).toBe('Test line one.');
    expect((await c.next('response.done')).response.output[0].content[0].transcript).toBe('Scripted answer one.');
    c.appendPcm(utterance(300, 300));
    expect((await c.next('conversation.item.input_audio_transcription.completed', (e) => e.transcript !== 'Test line one.')).transcript).toBe('Let me try that again.');
    c.close();
    expect((await raw(emu, '/__emulator/realtime/script', { method: 'DELETE' })).json.script).toEqual(DEFAULT_SCRIPT);
    const bad = await post('/__emulator/realtime/script', [{ user: 'x' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_realtime_script');
  });

  it('POST /__emulator/realtime/config sets maxSessionMs (session_expired → 1001); reset restores', async () => {
    const r = await post('/__emulator/realtime/config', { maxSessionMs: 120 });
    expect(r.json.config.maxSessionMs).toBe(120);
    const c = rawClient(wsUrl(emu));
    await c.opened;
    expect((await c.next('error')).error.code).toBe('session_expired');
    expect((await c.closed).code).toBe(1001);
    expect((await post('/__emulator/realtime/config', { maxSessionMs: -1 })).json.error.code).toBe('invalid_realtime_config');
    expect((await post('/__emulator/realtime/config', { nope: 1 })).status).toBe(400);
    await raw(emu, '/__emulator/reset', { method: 'POST' });
    expect((await raw(emu, '/__emulator/realtime/config')).json.config.maxSessionMs).toBe(3_600_000);
    expect((await raw(emu, '/__emulator/realtime/sessions')).json.sessions).toEqual([]);
  });

  it('GET /__emulator/realtime/sessions lists live and ended sessions', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'response.create' });
    await c.next('response.done');
    c.close();
    await c.closed;
    await sleep(20);
    const { sessions } = (await raw(emu, '/__emulator/realtime/sessions')).json;
    const s = sessions.at(-1);
    expect(s).toMatchObject({ transport: 'websocket', endedBy: 'client', key: 'sk-te***...time', events: { received: { 'response.create': 1 } } });
    expect(s.endedAt).not.toBeNull();
  });
});

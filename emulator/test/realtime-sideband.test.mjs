// GET /v1/realtime?call_id=rtc_… — sideband control sockets on a WebRTC call (brief §2.4), with a werift
// "browser" and the real session engine. Chromium + official clients: realtime-sideband-official.test.mjs.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setChannelOpenTimeout } from '../routes/realtime-calls.mjs';
import { REALTIME_KEY, client, rejectionOf } from './helpers.mjs';
import { handshakeFailure, mint, sleep, startRealtime, wsUrl } from './realtime-ws-helpers.mjs';
import { pendingCall, sideband, until, usageProblems } from './realtime-sideband-rig.mjs';

/** @type {any} */ let emu;
beforeAll(async () => {
  emu = await startRealtime();
});
afterAll(() => emu?.close());

/** A connected call with one sideband attached before the browser applied the answer. */
async function liveCall() {
  const call = await pendingCall(emu);
  const sb = sideband(emu, call.callId);
  await sb.opened;
  await call.connect();
  await sb.next('session.created');
  await until(() => call.browser.events.length >= 1, 3000, 'browser session.created');
  return { ...call, sb };
}

describe('sideband handshake', () => {
  it('unknown call → 404 call_not_found before the upgrade; ek_ secrets, missing and unknown keys → 401', async () => {
    const auth = { headers: { Authorization: `Bearer ${REALTIME_KEY}` } };
    const unknown = await handshakeFailure(wsUrl(emu, 'call_id=rtc_nope'), auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { message: "Call with id 'rtc_nope' not found.", type: 'invalid_request_error', param: 'call_id', code: 'call_not_found' } });

    const call = await pendingCall(emu);
    const { value: ek } = await mint(emu);
    for (const o of [{ headers: { Authorization: `Bearer ${ek}` } }, { protocols: ['realtime', `openai-insecure-api-key.${ek}`] }]) {
      const r = await handshakeFailure(wsUrl(emu, `call_id=${call.callId}`), o);
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
      expect(r.body.error.message).not.toContain(ek); // masked
    }
    expect((await handshakeFailure(wsUrl(emu, `call_id=${call.callId}`))).status).toBe(401);
    const bad = await handshakeFailure(wsUrl(emu, `call_id=${call.callId}`), { headers: { Authorization: 'Bearer sk-nope-0123456789' } });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });

    // the browser-style subprotocol works too, and `realtime` is echoed
    const sb = sideband(emu, call.callId, { protocols: ['realtime', `openai-insecure-api-key.${REALTIME_KEY}`] });
    await sb.opened;
    expect(sb.ws.protocol).toBe('realtime');
    await client(emu).realtime.calls.hangup(call.callId);
    expect(await sb.closed).toMatchObject({ code: 1000 });
    await call.browser.close();
  });

  it('faults use the route name realtime.sideband; stats count the sockets', async () => {
    const call = await pendingCall(emu);
    const before = emu.stats().counts['realtime.sideband'] ?? 0;
    emu.setFaults({ route: 'realtime.sideband', status: 503, times: 1 });
    const r = await handshakeFailure(wsUrl(emu, `call_id=${call.callId}`), { headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
    expect(r.status).toBe(503);
    const sb = sideband(emu, call.callId);
    await sb.opened;
    expect(emu.stats().counts['realtime.sideband'] - before).toBe(2);
    await client(emu).realtime.calls.hangup(call.callId);
    await sb.closed;
    await call.browser.close();
  });
});

describe('sideband events', () => {
  it('a sideband attached before the browser connects gets every event from session.created on, in data-channel order', async () => {
    const { browser, sb, callId } = await liveCall();
    expect(sb.events[0].type).toBe('session.created');
    expect(sb.events[0].event_id).toBe(browser.events[0].event_id);

    browser.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Set by the browser.' } });
    expect((await sb.next('session.updated')).session.instructions).toBe('Set by the browser.');
    // the server drives the conversation: a response.create on the sideband makes the coach answer both
    sb.send({ type: 'response.create' });
    const done = await sb.next('response.done', undefined, 8000);
    expect(done.response.status).toBe('completed');
    expect(usageProblems(done.response.usage)).toEqual([]);
    expect(done.response.usage.output_token_details.audio_tokens).toBeGreaterThan(0);
    await until(() => browser.events.some((e) => e.type === 'response.done'), 3000, 'browser response.done');
    await sb.next('output_audio_buffer.stopped', undefined, 8000);
    await until(() => browser.events.some((e) => e.type === 'output_audio_buffer.stopped'), 3000, 'browser stopped');
    expect(sb.events.map((e) => e.event_id)).toEqual(browser.events.map((e) => e.event_id));
    expect(sb.types()).toEqual(expect.arrayContaining(['response.created', 'response.output_audio_transcript.done', 'output_audio_buffer.started']));

    await client(emu).realtime.calls.hangup(callId);
    expect(await sb.closed).toMatchObject({ code: 1000 });
    await until(() => browser.isClosed(), 3000, 'browser channel closed');
  }, 20_000);

  it('client events sent on a sideband before the engine starts are handled after session.created', async () => {
    const call = await pendingCall(emu);
    const sb = sideband(emu, call.callId);
    await sb.opened;
    sb.send({ type: 'session.update', event_id: 'evt_early', session: { type: 'realtime', instructions: 'Before the channel.' } });
    await sleep(100);
    expect(sb.events).toEqual([]); // nothing happens until the browser's channel opens
    await call.connect();
    const updated = await sb.next('session.updated');
    expect(sb.types().slice(0, 2)).toEqual(['session.created', 'session.updated']);
    expect(updated.session.instructions).toBe('Before the channel.');
    await until(() => call.browser.events.length >= 2, 3000, 'browser events');
    expect(call.browser.types().slice(0, 2)).toEqual(['session.created', 'session.updated']);
    await client(emu).realtime.calls.hangup(call.callId);
    await call.browser.close();
  });

  it("errors caused by a sideband's event go back to that sideband only; the browser's errors reach everyone", async () => {
    const { browser, sb, callId } = await liveCall();
    const other = sideband(emu, callId);
    await other.opened;
    await other.next('session.created');

    sb.send({ type: 'bogus.event', event_id: 'evt_sb' });
    expect((await sb.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'type', event_id: 'evt_sb' });
    sb.send('not json');
    expect((await sb.next('error')).error.code).toBe('invalid_json');
    // a marker everyone sees, so we know the errors would have arrived by now
    sb.send({ type: 'session.update', session: { type: 'realtime', instructions: 'marker' } });
    await other.next('session.updated');
    await until(() => browser.events.some((e) => e.type === 'session.updated'), 3000, 'browser marker');
    expect(other.types()).not.toContain('error');
    expect(browser.types()).not.toContain('error');

    browser.send({ type: 'bogus.browser', event_id: 'evt_br' });
    for (const s of [sb, other]) expect((await s.next('error', (e) => e.error.event_id === 'evt_br')).error.code).toBe('invalid_value');
    await until(() => browser.events.some((e) => e.type === 'error' && e.error.event_id === 'evt_br'), 3000, 'browser error');
    await client(emu).realtime.calls.hangup(callId);
    expect(await other.closed).toMatchObject({ code: 1000 });
  });

  it('several sidebands; one leaving keeps the call; a late sideband starts with session.created of the current session', async () => {
    const { browser, sb, callId } = await liveCall();
    const sessionId = sb.events[0].session.id;
    browser.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Current instructions.' } });
    await sb.next('session.updated');
    sb.close();
    await sb.closed;

    const late = sideband(emu, callId);
    await late.opened;
    const first = await late.next('session.created');
    expect(late.events[0]).toBe(first);
    expect(first.session).toMatchObject({ id: sessionId, instructions: 'Current instructions.' });
    late.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect((await late.next('response.done', undefined, 8000)).response.status).toBe('completed');
    await until(() => browser.events.some((e) => e.type === 'response.done'), 3000, 'browser response.done');
    await client(emu).realtime.calls.hangup(callId);
    expect(await late.closed).toMatchObject({ code: 1000 });
  });
});

describe('the call ends → every sideband closes', () => {
  it('hangup (official client): 1000 on every sideband, the browser channel closes, the call is gone', async () => {
    const { browser, sb, callId } = await liveCall();
    const second = sideband(emu, callId, { protocols: ['realtime', `openai-insecure-api-key.${REALTIME_KEY}`] });
    await second.opened;
    await client(emu).realtime.calls.hangup(callId);
    expect(await sb.closed).toEqual({ code: 1000, reason: '' });
    expect(await second.closed).toEqual({ code: 1000, reason: '' });
    await until(() => browser.isClosed(), 3000, 'browser channel closed');
    const again = await handshakeFailure(wsUrl(emu, `call_id=${callId}`), { headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'call_not_found' } } });
    expect((await rejectionOf(client(emu).realtime.calls.hangup(callId))).status).toBe(404);
  });

  it('the browser closing its peer closes the sidebands with 1000', async () => {
    const { browser, sb } = await liveCall();
    await browser.close();
    expect(await sb.closed).toMatchObject({ code: 1000 });
  });

  it('a browser that never opens its channel: the sideband waits, then the channel-open timeout closes it with 1000', async () => {
    setChannelOpenTimeout(400);
    try {
      const call = await pendingCall(emu);
      const sb = sideband(emu, call.callId);
      await sb.opened;
      sb.send({ type: 'response.create' });
      const t0 = Date.now();
      expect(await sb.closed).toMatchObject({ code: 1000 });
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(sb.events).toEqual([]);
      await call.browser.pc.close();
    } finally {
      setChannelOpenTimeout(null);
    }
  });

  it('session expiry: the sideband gets error session_expired, then close 1001', async () => {
    emu.setRealtimeConfig({ maxSessionMs: 1500 });
    try {
      const { browser, sb } = await liveCall();
      expect((await sb.next('error', undefined, 5000)).error.code).toBe('session_expired');
      expect(await sb.closed).toMatchObject({ code: 1001 });
      await until(() => browser.isClosed(), 3000, 'browser channel closed');
    } finally {
      emu.setRealtimeConfig(null);
    }
  });

  it('emu.close() closes sidebands', async () => {
    const own = await startRealtime();
    const call = await pendingCall(own);
    const sb = sideband(own, call.callId);
    await sb.opened;
    await own.close();
    const closed = await sb.closed;
    expect(closed.code).not.toBe(1000);
    expect(sb.ws.readyState).toBe(WebSocket.CLOSED);
    await call.browser.pc.close();
  });
});

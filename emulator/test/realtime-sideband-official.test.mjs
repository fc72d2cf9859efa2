// The unified flow as a product server runs it, with the official clients and a real browser:
// Chromium makes the offer; the "server" posts it with the `openai` client as the multipart
// POST /v1/realtime/calls (sk- key, parts sdp + session), reads the call id from Location, opens the
// sideband with the SDK's OpenAIRealtimeWS({ callID }) BEFORE the browser has its answer, drives the
// coach from the sideband, and hangs up with client.realtime.calls.hangup().
//
// openai 6.x has no client.realtime.calls.create, so the POST goes through the client's generic
// `post()` (its auth, base URL and fetch), as calls.create would. OpenAIRealtimeWS forces `wss:`; the
// emulator speaks plain ws, so the socket is handed a plain TCP connection (ws' `createConnection`).
import net from 'node:net';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { describe, expect, it } from 'vitest';
import { client } from './helpers.mjs';
import { until, usageProblems } from './realtime-sideband-rig.mjs';
import { markTime, openPeerPage, pageState, skipChromium, useEmulatorAndChromium, whenLogged } from './realtime-sideband-browser.mjs';

describe.skipIf(skipChromium)('unified call + sideband with the official clients and Chromium', () => {
  const rig = useEmulatorAndChromium();

  it('multipart create → Location → sideband before the browser connects; the sideband sees and drives the call; hangup ends both', async () => {
    const emu = rig.emu();
    const browser = rig.browser();
    const openai = client(emu);
    const { page, offer } = await openPeerPage(browser.context, browser.siteUrl);

    const form = new FormData();
    form.set('sdp', new Blob([offer], { type: 'application/sdp' }));
    form.set('session', new Blob([JSON.stringify({ type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Coach from the server.' })], { type: 'application/json' }));
    const res = await openai.post('/realtime/calls', { body: form, headers: { Accept: 'application/sdp' }, __binaryResponse: true }).asResponse();
    expect(res.status).toBe(201);
    const callId = String(res.headers.get('location')).split('/').pop() ?? '';
    expect(callId).toMatch(/^rtc_[0-9a-f]{32}$/);
    const answer = await res.text();

    // the sideband opens right away, before the browser has its answer (the product's race)
    const rt = await OpenAIRealtimeWS.create(openai, { callID: callId, options: { createConnection: () => net.connect(emu.port, '127.0.0.1') } });
    expect(rt.url.toString()).toBe(`wss://127.0.0.1:${emu.port}/v1/realtime?call_id=${callId}`);
    /** @type {any[]} */ const side = [];
    /** @type {any[]} */ const errors = [];
    rt.on('event', (e) => side.push(e));
    rt.on('error', (e) => errors.push(e));
    const closed = new Promise((r) => rt.socket.on('close', (code) => r(code)));
    await new Promise((r, j) => {
      rt.socket.once('open', r);
      rt.socket.once('error', j);
    });

    await page.evaluate(async (sdp) => {
      const t = /** @type {any} */ (window).__t;
      await t.pc.setRemoteDescription({ type: 'answer', sdp });
    }, answer);
    await page.waitForFunction(() => /** @type {any} */ (window).__t.dc.readyState === 'open', null, { timeout: 10_000 });
    await until(() => side.length >= 1, 3000, 'sideband session.created');
    expect(side[0].type).toBe('session.created');
    expect(side[0].session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Coach from the server.' });

    // the browser configures the session as the SDKs do; the sideband sees it. (No VAD: the fake
    // microphone beeps, which would barge in on the server-driven response.)
    await page.evaluate(() => /** @type {any} */ (window).__t.dc.send(JSON.stringify({ type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null }, output: { voice: 'marin' } } } })));
    const updated = await until(() => side.find((e) => e.type === 'session.updated'), 3000, 'session.updated on the sideband');
    expect(updated.session.audio.output.voice).toBe('marin');

    // the server makes the coach speak: both the page and the sideband follow the response
    rt.send({ type: 'response.create' });
    const done = await until(() => side.find((e) => e.type === 'response.done'), 10_000, 'response.done on the sideband');
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0].content[0].transcript.length).toBeGreaterThan(0);
    expect(usageProblems(done.response.usage)).toEqual([]);
    expect(done.response.usage.output_token_details.audio_tokens).toBeGreaterThan(0);
    await page.waitForFunction((id) => /** @type {any} */ (window).__t.events.some((/** @type {any} */ e) => e.type === 'response.done' && e.response.id === id),
      done.response.id, { timeout: 3000 });
    const seen = await pageState(page);
    const pageIds = seen.events.map((/** @type {any} */ e) => e.event_id);
    const upToDone = side.slice(0, side.indexOf(done) + 1).map((e) => e.event_id);
    expect(pageIds.slice(0, upToDone.length)).toEqual(upToDone); // same events, same order
    expect(errors).toEqual([]);

    // hangup with the official client: the sideband closes with 1000, the browser's call ends
    await markTime(page);
    await openai.realtime.calls.hangup(callId);
    expect(await closed).toBe(1000);
    await page.waitForFunction(() => /** @type {any} */ (window).__t.dc.readyState === 'closed', null, { timeout: 2000 });
    await page.waitForFunction(() => /** @type {any} */ (window).__t.pc.connectionState !== 'connected', null, { timeout: 10_000 });
    const after = await pageState(page);
    expect(whenLogged(after.log, 'dc:close')).toBeLessThan(1000);
    expect(after.dtls).toBe('closed');
    await page.close();
  }, 40_000);
});

// POST /v1/realtime/calls (WebRTC SDP exchange) and /hangup, the WebRTC wire, and a real browser call.
// A small local test engine stands in for the session engine (setEngine), so these tests exercise the
// route and the wire only.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import OpusScript from 'opusscript';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { OPUS_SILENCE_FRAME, rms } from '../lib/realtime/opus-codec.mjs';
import { listCalls, setEngine, setIdleAudio } from '../routes/realtime-calls.mjs';
import { REALTIME_KEY, STANDARD_KEY, expectEnvelope, raw, start } from './helpers.mjs';
import { sleep, until } from './realtime-ws-helpers.mjs';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipChromium = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true';


/** 24 kHz mono PCM16 sine. */
function tone(ms, hz = 440, amp = 8000) {
  const n = Math.round((24000 * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * hz * i) / 24000));
  return out;
}

// ------------------------------------------------------------------ the local test engine

/** Every session the route started, newest last. */
const sessions = [];
/**
 * Echoes client events, answers session.update, and plays a 600 ms tone back the first time the mic
 * carries energy (or when asked with {type:"test.play", ms}).
 */
function testEngine(wire, ctx) {
  const s = { wire, ctx, events: [], inputChunks: 0, inputMaxRms: 0, drained: 0, closed: 0, played: false, cleared: null };
  sessions.push(s);
  const play = (ms) => {
    s.played = true;
    wire.playAudio(tone(ms));
  };
  wire.send({ type: 'session.created', event_id: 'event_test_created', session: ctx.session });
  wire.onClientEvent((e) => {
    s.events.push(e);
    if (e?.__invalidJson) wire.send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_event' } });
    else if (e?.type === 'session.update') wire.send({ type: 'session.updated', session: { ...ctx.session, ...e.session } });
    else if (e?.type === 'test.play') play(e.ms ?? 600);
    else if (e?.type === 'test.big') wire.send({ type: 'test.big.ok', length: JSON.stringify(e).length });
    else if (e?.type === 'test.clear') {
      s.cleared = wire.clearAudio();
      wire.send({ type: 'test.cleared', ms: s.cleared });
    } else wire.send({ type: 'test.echo', event: e });
  });
  wire.onInputAudio((pcm) => {
    s.inputChunks++;
    s.inputLength = pcm.length;
    const level = rms(pcm);
    s.inputMaxRms = Math.max(s.inputMaxRms, level);
    if (level > 300 && !s.played) play(600);
  });
  wire.onAudioDrained(() => {
    s.drained++;
    wire.send({ type: 'output_audio_buffer.stopped' });
  });
  wire.onClose(() => {
    s.closed++;
  });
}

// ------------------------------------------------------------------ a werift client in Node

/**
 * @param {{ audio?: boolean, dataChannel?: boolean, payloadType?: number }} [o]
 */
async function nodeClient(o = {}) {
  const pc = new RTCPeerConnection({
    iceServers: [], iceUseIpv6: false, bundlePolicy: 'max-bundle', iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: o.payloadType ?? 111 })], video: [] },
  });
  const dc = o.dataChannel === false ? null : pc.createDataChannel('oai-events');
  const audio = o.audio === false ? null : pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await new Promise((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));
  /** @type {any[]} */ const events = [];
  /** @type {any[]} */ const rtp = [];
  dc?.onMessage.subscribe((m) => events.push(JSON.parse(String(m))));
  audio?.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((p) => rtp.push({ header: p.header, payload: Buffer.from(p.payload), at: performance.now() })));
  const opened = dc ? new Promise((r) => dc.stateChanged.subscribe((s) => s === 'open' && r())) : null;
  return {
    pc, dc, audio, events, rtp, opened, offer: pc.localDescription.sdp,
    /** @param {string} sdp */
    answer: (sdp) => pc.setRemoteDescription({ type: 'answer', sdp }),
    /** Close like a browser does: SCTP ABORT first (werift's own close() would not tell the far end). */
    async close() {
      await pc.sctpTransport?.stop().catch(() => undefined);
      await sleep(30);
      await pc.close();
    },
  };
}

/** Stream `ms` of a 24 kHz tone (or silence) to the emulator as Opus RTP, 20 ms per packet, paced. */
async function sendMic(client, ms, amp = 8000) {
  const enc = new OpusScript(24000, 1, OpusScript.Application.VOIP);
  const pcm = tone(ms, 330, amp);
  const pt = client.audio.codecs[0].payloadType;
  let seq = 1000;
  let ts = 5000;
  try {
    for (let off = 0; off + 480 <= pcm.length; off += 480) {
      const frame = Buffer.from(pcm.slice(off, off + 480).buffer);
      const header = new RtpHeader({ payloadType: pt, sequenceNumber: seq++, timestamp: ts, marker: off === 0 });
      ts += 960;
      await client.audio.sender.sendRtp(new RtpPacket(header, enc.encode(frame, 480)));
      await sleep(20);
    }
  } finally {
    enc.delete();
  }
}

describe('POST /v1/realtime/calls', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  let clock = Date.now();
  /** @type {Array<Awaited<ReturnType<typeof nodeClient>>>} */
  const clients = [];
  const client = async (o) => {
    const c = await nodeClient(o);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    setEngine(testEngine);
    emu = await start({ now: () => clock });
  });
  afterEach(async () => {
    emu.resetFaults();
    setIdleAudio('silence');
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await emu.close();
    setEngine(null);
  });

  /** Mint an ek_ secret. */
  async function mint(session = { type: 'realtime', model: 'gpt-realtime-2.1' }, seconds) {
    const r = await raw(emu, '/v1/realtime/client_secrets', {
      method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session, ...(seconds ? { expires_after: { anchor: 'created_at', seconds } } : {}) }),
    });
    expect(r.status).toBe(200);
    return r.json.value;
  }
  const post = (body, auth, contentType = 'application/sdp') =>
    raw(emu, '/v1/realtime/calls', {
      method: 'POST', body,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
    });

  it('answers a valid offer: 201, Location rtc_…, application/sdp; events flow both ways; hangup closes the call', async () => {
    const ek = await mint({ type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Be brief.' });
    const c = await client();
    const r = await post(c.offer, ek);
    expect(r.status).toBe(201);
    expect(r.res.headers.get('content-type')).toBe('application/sdp');
    expect(r.res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_[0-9a-f]{32}$/);
    expect(r.res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(r.res.headers.get('access-control-expose-headers')).toMatch(/Location/);
    expect(r.text).toMatch(/^v=0\r?\n/);
    expect(r.text).toMatch(/a=setup:active/);
    expect(r.text).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111/);
    expect(r.text).toMatch(/a=rtpmap:111 opus\/48000\/2/);
    expect(r.text).toMatch(/m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/);
    expect(r.text).toMatch(/a=candidate:/);
    expect(r.text).toMatch(/a=sendrecv/);

    await c.answer(r.text);
    await c.opened;
    await until(() => c.events.length, 3000, 'session.created');
    expect(c.events[0].type).toBe('session.created');
    expect(c.events[0].session.instructions).toBe('Be brief.');
    expect(c.events[0].session.model).toBe('gpt-realtime-2.1');
    const s = sessions.at(-1);
    expect(s.ctx.callId).toBe(r.res.headers.get('location').split('/').pop());
    expect(s.ctx.state).toBeTruthy();
    expect(s.wire.kind).toBe('webrtc');

    c.dc.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Be kind.' } }));
    c.dc.send('not json');
    c.dc.send(JSON.stringify({ type: 'response.create' }));
    await until(() => c.events.length >= 4, 3000, 'replies');
    expect(c.events.slice(1).map((e) => e.type)).toEqual(['session.updated', 'error', 'test.echo']);
    expect(c.events[1].session.instructions).toBe('Be kind.');
    expect(s.events[1]).toEqual({ __invalidJson: true });
    expect(listCalls(s.ctx.state).map((x) => x.id)).toContain(s.ctx.callId);

    const closed = new Promise((res) => c.dc.stateChanged.subscribe((st) => st === 'closed' && res(undefined)));
    const h = await raw(emu, `${r.res.headers.get('location')}/hangup`, { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` } });
    expect(h.status).toBe(200);
    expect(h.text).toBe('');
    await closed; // the client sees its channel close
    expect(s.closed).toBe(1);
    expect(listCalls(s.ctx.state).map((x) => x.id)).not.toContain(s.ctx.callId);
    const again = await raw(emu, `${r.res.headers.get('location')}/hangup`, { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` } });
    expect(again.status).toBe(404);
    expectEnvelope(expect, again.json);
    expect(again.json.error.code).toBe('call_not_found');
  });

  it('401 without a key, with an unknown ek_, and with an expired ek_', async () => {
    const c = await client();
    const none = await post(c.offer, null);
    expect(none.status).toBe(401);
    expectEnvelope(expect, none.json);
    expect(none.json.error.message).toMatch(/^You didn't provide an API key/);

    const unknown = await post(c.offer, 'ek_doesnotexist0000000000000000000');
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.code).toBe('invalid_api_key');
    expect(unknown.json.error.message).toMatch(/^Incorrect API key provided: ek_do\*\*\*\.\.\.0000\./);

    const badKey = await post(c.offer, 'sk-not-a-known-key-1234');
    expect(badKey.status).toBe(401);
    expect(badKey.json.error.code).toBe('invalid_api_key');

    const ek = await mint(undefined, 10);
    clock += 11_000;
    const expired = await post(c.offer, ek);
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('invalid_api_key');
    expect(expired.json.error.message).not.toContain(ek);
  });

  it('unified multipart form: 403 model_not_found for a key without realtime access, 201 with the session part otherwise', async () => {
    const c = await client();
    const form = (session) => {
      const fd = new FormData();
      fd.append('sdp', new Blob([c.offer], { type: 'application/sdp' }));
      if (session) fd.append('session', new Blob([JSON.stringify(session)], { type: 'application/json' }));
      return fd;
    };
    const session = { type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Unified.' };
    const denied = await raw(emu, '/v1/realtime/calls', { method: 'POST', headers: { authorization: `Bearer ${STANDARD_KEY}` }, body: form(session) });
    expect(denied.status).toBe(403);
    expectEnvelope(expect, denied.json);
    expect(denied.json.error.code).toBe('model_not_found');
    expect(denied.json.error.message).toBe('The model `gpt-realtime-2.1` does not exist or you do not have access to it.');

    const invalid = await raw(emu, '/v1/realtime/calls', { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` },
      body: form({ type: 'realtime', voice: 'alloy' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe('unknown_parameter');
    expect(invalid.json.error.param).toBe('session.voice');

    const ok = await raw(emu, '/v1/realtime/calls', { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` }, body: form(session) });
    expect(ok.status).toBe(201);
    expect(ok.res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
    await c.answer(ok.text);
    await c.opened;
    await until(() => c.events.length, 3000, 'session.created');
    expect(c.events[0].session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Unified.' });
    expect(c.events[0].session.id).toMatch(/^sess_/);

    const noSdp = new FormData();
    noSdp.append('session', JSON.stringify(session));
    const missing = await raw(emu, '/v1/realtime/calls', { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` }, body: noSdp });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 'missing_required_parameter', param: 'sdp' });
  });

  it('400 for a wrong content type, garbage or empty SDP, and offers without audio or data channel', async () => {
    const ek = await mint();
    const callsBefore = listCalls().length;
    const c = await client();
    const json = await post(JSON.stringify({ sdp: c.offer }), ek, 'application/json');
    expect(json.status).toBe(400);
    expectEnvelope(expect, json.json);
    expect(json.json.error.message).toMatch(/^Invalid Content-Type header \(application\/json\), expected application\/sdp/);

    const garbage = await post('hello, this is not SDP', ek);
    expect(garbage.status).toBe(400);
    expectEnvelope(expect, garbage.json);
    expect(garbage.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_offer' });
    expect(garbage.json.error.message).toMatch(/^Invalid SDP offer\. .*v=0/);

    const empty = await post('', ek);
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/body is empty/);

    const noAudio = await client({ audio: false });
    const a = await post(noAudio.offer, ek);
    expect(a.status).toBe(400);
    expect(a.json.error.message).toMatch(/no audio m-line/);

    const noChannel = await client({ dataChannel: false });
    const d = await post(noChannel.offer, ek);
    expect(d.status).toBe(400);
    expect(d.json.error.message).toMatch(/no data channel m-line.*oai-events/);

    const video = await post(`${c.offer.trimEnd()}\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n`, ek);
    expect(video.status).toBe(400);
    expect(video.json.error.message).toMatch(/video m-line/);

    const noOpus = await post(c.offer.replace(/opus\/48000\/2/g, 'PCMU/8000'), ek);
    expect(noOpus.status).toBe(400);
    expect(noOpus.json.error.message).toMatch(/Opus/);
    expect(listCalls().length).toBe(callsBefore); // no call was registered
  });

  it('faults apply by route name (realtime.calls covers realtime.calls.hangup)', async () => {
    const ek = await mint();
    const c = await client();
    const before = { ...emu.stats().counts };
    const live = listCalls().length;
    emu.setFaults({ route: 'realtime.calls', status: 500, times: 1 });
    const e500 = await post(c.offer, ek);
    expect(e500.status).toBe(500);
    expect(e500.json.error.type).toBe('server_error');
    emu.setFaults({ route: 'realtime.calls', status: 429, retryAfter: 3, times: 1 });
    const e429 = await post(c.offer, ek);
    expect(e429.status).toBe(429);
    expect(e429.res.headers.get('retry-after')).toBe('3');
    emu.setFaults({ route: 'realtime.calls', status: 403, code: 'model_not_found', times: 1 });
    const e403 = await post(c.offer, ek);
    expect(e403.status).toBe(403);
    expect(e403.json.error.code).toBe('model_not_found');
    expect(listCalls().length).toBe(live); // no peer was created for a refused offer

    emu.setFaults({ route: 'realtime.calls.hangup', status: 503, times: 1 });
    const h = await raw(emu, '/v1/realtime/calls/rtc_x/hangup', { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` } });
    expect(h.status).toBe(503);
    emu.setFaults({ route: 'realtime.calls', status: 502, times: 1 });
    const h2 = await raw(emu, '/v1/realtime/calls/rtc_x/hangup', { method: 'POST', headers: { authorization: `Bearer ${REALTIME_KEY}` } });
    expect(h2.status).toBe(502);
    const h3 = await raw(emu, '/v1/realtime/calls/rtc_x/hangup', { method: 'POST', headers: { authorization: `Bearer ${ek}` } });
    expect(h3.status).toBe(404);
    const counts = emu.stats().counts;
    expect(counts['realtime.calls'] - (before['realtime.calls'] ?? 0)).toBe(3); // faulted requests count too
    expect(counts['realtime.calls.hangup'] - (before['realtime.calls.hangup'] ?? 0)).toBe(3);
  });

  it('CORS preflight allows Authorization, Content-Type and X-OpenAI-Agents-SDK', async () => {
    const r = await raw(emu, '/v1/realtime/calls', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:4321', 'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-openai-agents-sdk' },
    });
    expect(r.status).toBe(204);
    expect(r.res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = r.res.headers.get('access-control-allow-headers').toLowerCase();
    for (const h of ['authorization', 'content-type', 'x-openai-agents-sdk']) expect(allowed).toContain(h);
    expect(r.res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('audio: mic Opus → PCM16 24 kHz chunks; played PCM → paced Opus RTP (negotiated PT, seq, ts, marker); drain and clear', async () => {
    const ek = await mint();
    const c = await client({ payloadType: 109 });
    const r = await post(c.offer, ek);
    expect(r.status).toBe(201);
    expect(r.text).toMatch(/a=rtpmap:109 opus\/48000\/2/);
    await c.answer(r.text);
    await c.opened;
    const s = await until(() => sessions.find((x) => x.ctx.callId === r.res.headers.get('location').split('/').pop()), 3000, 'session');

    // idle: the stream runs with 3-byte silence frames, the first one marked
    await until(() => c.rtp.length >= 3, 2000, 'idle RTP');
    expect(c.rtp[0].header.payloadType).toBe(109);
    expect(c.rtp[0].payload.equals(OPUS_SILENCE_FRAME)).toBe(true);

    // mic → engine: 400 ms of tone, the engine answers with a 600 ms tone
    await sendMic(c, 400);
    await until(() => s.inputChunks >= 10, 3000, 'mic audio');
    expect(s.inputLength).toBe(480); // 20 ms at 24 kHz
    expect(s.inputMaxRms).toBeGreaterThan(2000);
    expect(s.played).toBe(true);
    await until(() => s.drained === 1, 3000, 'drain');
    await until(() => c.events.some((e) => e.type === 'output_audio_buffer.stopped'), 1000, 'stopped event');

    const pkts = c.rtp.map((p) => p.header);
    for (let i = 1; i < pkts.length; i++) {
      expect((pkts[i].sequenceNumber - pkts[i - 1].sequenceNumber + 0x10000) & 0xffff).toBe(1);
      // +960 per 20 ms frame; a multiple of it only if the event loop stalled and slots were skipped
      const dts = (pkts[i].timestamp - pkts[i - 1].timestamp + 2 ** 32) % 2 ** 32;
      expect(dts > 0 && dts % 960 === 0).toBe(true);
    }
    const steps = pkts.slice(1).map((p, i) => (p.timestamp - pkts[i].timestamp + 2 ** 32) % 2 ** 32);
    expect(steps.filter((d) => d === 960).length).toBeGreaterThan(steps.length * 0.9);
    const voiced = c.rtp.filter((p) => !p.payload.equals(OPUS_SILENCE_FRAME));
    expect(voiced.length).toBe(30); // 600 ms / 20 ms
    expect(voiced[0].header.marker).toBe(true);
    expect(voiced.slice(1).every((p) => !p.header.marker)).toBe(true);
    // paced in real time: 30 frames span ~580 ms, not a burst
    expect(voiced.at(-1).at - voiced[0].at).toBeGreaterThan(450);
    const dec = new OpusScript(24000, 1);
    const level = rms(new Int16Array(dec.decode(voiced[10].payload).buffer.slice(0)));
    dec.delete();
    expect(level).toBeGreaterThan(2000);

    // clearAudio: reports what was sent of the burst, then drops the rest (no drain event)
    c.dc.send(JSON.stringify({ type: 'test.play', ms: 2000 }));
    await sleep(300);
    c.dc.send(JSON.stringify({ type: 'test.clear' }));
    const cleared = await until(() => c.events.find((e) => e.type === 'test.cleared'), 2000, 'cleared');
    expect(cleared.ms).toBeGreaterThan(150);
    expect(cleared.ms).toBeLessThan(800);
    await sleep(100);
    expect(s.drained).toBe(1);
  });

  it("idle audio 'none': nothing is sent while idle; a burst starts with the marker and a timestamp jump", async () => {
    setIdleAudio('none');
    const ek = await mint();
    const c = await client();
    const r = await post(c.offer, ek);
    await c.answer(r.text);
    await c.opened;
    await sleep(200);
    expect(c.rtp.length).toBe(0);
    c.dc.send(JSON.stringify({ type: 'test.play', ms: 100 }));
    await until(() => c.events.some((e) => e.type === 'output_audio_buffer.stopped'), 2000, 'drain');
    await sleep(200);
    c.dc.send(JSON.stringify({ type: 'test.play', ms: 100 }));
    await until(() => c.events.filter((e) => e.type === 'output_audio_buffer.stopped').length === 2, 2000, 'second drain');
    await sleep(100);
    expect(c.rtp.length).toBe(10);
    const h = c.rtp.map((p) => p.header);
    expect(h.map((x) => x.marker)).toEqual([true, false, false, false, false, true, false, false, false, false]);
    for (let i = 1; i < h.length; i++) expect((h[i].sequenceNumber - h[i - 1].sequenceNumber + 0x10000) & 0xffff).toBe(1);
    // the RTP clock ran on through the ~200 ms pause: about 10 idle slots of 960 were skipped
    expect((h[5].timestamp - h[4].timestamp + 2 ** 32) % 2 ** 32).toBeGreaterThanOrEqual(960 * 8);
  });

  it('without setEngine the call runs the realtime session engine (session.created, session.updated)', async () => {
    setEngine(null);
    try {
      const ek = await mint();
      const c = await client();
      const r = await post(c.offer, ek);
      expect(r.status).toBe(201);
      await c.answer(r.text);
      await c.opened;
      await until(() => c.events.length, 3000, 'session.created');
      expect(c.events[0].type).toBe('session.created');
      expect(c.events[0].session.model).toBe('gpt-realtime-2.1');
      c.dc.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Over WebRTC.' } }));
      const updated = await until(() => c.events.find((e) => e.type === 'session.updated'), 3000, 'session.updated');
      expect(updated.session.instructions).toBe('Over WebRTC.');
    } finally {
      setEngine(testEngine);
    }
  });

  it('emulator close() closes live calls', async () => {
    const other = await start();
    try {
      const ek = await (async () => {
        const m = await raw(other, '/v1/realtime/client_secrets', { method: 'POST',
          headers: { authorization: `Bearer ${REALTIME_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ session: { type: 'realtime' } }) });
        return m.json.value;
      })();
      const c = await client();
      const r = await raw(other, '/v1/realtime/calls', { method: 'POST', headers: { authorization: `Bearer ${ek}`, 'content-type': 'application/sdp' }, body: c.offer });
      expect(r.status).toBe(201);
      await c.answer(r.text);
      await c.opened;
      const closed = new Promise((res) => c.dc.stateChanged.subscribe((st) => st === 'closed' && res(undefined)));
      const s = sessions.at(-1);
      await other.close();
      await closed;
      expect(s.closed).toBe(1);
      expect(listCalls().map((x) => x.id)).not.toContain(s.ctx.callId);
    } finally {
      await other.close();
    }
  });
});

// ------------------------------------------------------------------ a real browser

describe.skipIf(skipChromium)('Chromium ↔ emulator over WebRTC', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  /** @type {import('playwright-core').BrowserContext} */
  let context;
  /** @type {http.Server} */
  let site;
  let siteUrl = '';
  const userDataDir = mkdtempSync(join(tmpdir(), 'emu-webrtc-chromium-'));

  beforeAll(async () => {
    setEngine(testEngine);
    emu = await start();
    // The page lives on another origin (another port), so the SDP POST is a CORS request with a preflight.
    // /agr/* serves @openai/agents-realtime's self-contained browser bundle.
    const agrBundle = new URL('./bundle/', pathToFileURL(createRequire(import.meta.url).resolve('@openai/agents-realtime')));
    site = http.createServer((req, res) => {
      if (req.url?.startsWith('/agr/')) {
        try {
          const body = readFileSync(fileURLToPath(new URL(req.url.slice(5).replace(/[^\w.-]/g, ''), agrBundle)));
          return res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
        } catch {
          return res.writeHead(404).end();
        }
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>webrtc</title>');
    });
    await new Promise((r) => site.listen(0, '127.0.0.1', r));
    siteUrl = `http://127.0.0.1:${/** @type {any} */ (site.address()).port}/`;
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH, headless: true, timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        '--autoplay-policy=no-user-gesture-required'],
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((r) => (site ? site.close(r) : r(undefined)));
    await emu?.close();
    setEngine(null);
  });

  it('connects with the §2.3 recipe: channel opens, session.created arrives, mic audio decodes, model audio plays, hangup closes', async () => {
    const mintRes = await raw(emu, '/v1/realtime/client_secrets', { method: 'POST',
      headers: { authorization: `Bearer ${REALTIME_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } }) });
    const ek = mintRes.json.value;
    const page = await context.newPage();
    await page.goto(siteUrl);

    const started = await page.evaluate(async ({ base, ek }) => {
      const t = { events: [], opened: false, closed: false, location: null, tracks: 0 };
      /** @type {any} */ (window).__t = t;
      // window.RTCPeerConnection: the bare name is werift's import in this module (vite would rewrite it)
      const pc = new window.RTCPeerConnection();
      const dc = pc.createDataChannel('oai-events');
      Object.assign(t, { pc, dc });
      const audioEl = document.createElement('audio');
      audioEl.autoplay = true;
      document.body.append(audioEl);
      pc.ontrack = (e) => {
        t.tracks++;
        audioEl.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      };
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      pc.addTrack(mic.getAudioTracks()[0]);
      dc.onopen = () => {
        t.opened = true;
        dc.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'from the browser' } }));
      };
      dc.onclose = () => { t.closed = true; };
      dc.onmessage = (e) => t.events.push(JSON.parse(e.data));
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const r = await fetch(`${base}/v1/realtime/calls`, {
        method: 'POST', body: offer.sdp,
        headers: { Authorization: `Bearer ${ek}`, 'Content-Type': 'application/sdp', 'X-OpenAI-Agents-SDK': 'openai-agents-sdk.test' },
      });
      if (!r.ok) throw new Error(`${r.status}: ${(await r.json()).error?.message}`);
      t.location = r.headers.get('Location');
      await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
      return { status: r.status, location: t.location };
    }, { base: emu.url, ek });
    expect(started.status).toBe(201);
    expect(started.location).toMatch(/^\/v1\/realtime\/calls\/rtc_/); // readable cross-origin: Location is exposed

    await page.waitForFunction(() => /** @type {any} */ (window).__t.opened, null, { timeout: 5000 });
    await page.waitForFunction(() => /** @type {any} */ (window).__t.events.length >= 2, null, { timeout: 3000 });
    const events = await page.evaluate(() => /** @type {any} */ (window).__t.events.map((e) => e.type));
    expect(events.slice(0, 2)).toEqual(['session.created', 'session.updated']);

    // a 200 KB client event fits the advertised max-message-size (256 KiB) and arrives whole
    await page.evaluate(() => /** @type {any} */ (window).__t.dc.send(JSON.stringify({ type: 'test.big', data: 'x'.repeat(200_000) })));
    await page.waitForFunction(() => /** @type {any} */ (window).__t.events.some((e) => e.type === 'test.big.ok'), null, { timeout: 3000 });
    const big = await page.evaluate(() => /** @type {any} */ (window).__t.events.find((e) => e.type === 'test.big.ok'));
    expect(big.length).toBe(200_029);

    // the fake microphone's beep reaches the engine as PCM with energy; the engine then plays a tone
    const s = await until(() => sessions.find((x) => x.ctx.callId === started.location.split('/').pop()), 3000, 'session');
    await until(() => s.inputMaxRms > 300, 8000, 'mic energy');
    expect(s.inputLength).toBe(480);
    expect(s.played).toBe(true);
    await until(() => s.drained >= 1, 8000, 'tone played');

    const inbound = await until(async () => {
      const st = await page.evaluate(async () => {
        const report = await /** @type {any} */ (window).__t.pc.getStats();
        let out = null;
        report.forEach((x) => {
          if (x.type === 'inbound-rtp' && x.kind === 'audio') out = { packetsReceived: x.packetsReceived, totalAudioEnergy: x.totalAudioEnergy ?? 0 };
        });
        return out;
      });
      return st && st.packetsReceived > 30 && st.totalAudioEnergy > 0 ? st : null;
    }, 8000, 'inbound audio in getStats()');
    expect(inbound.packetsReceived).toBeGreaterThan(30);
    expect(inbound.totalAudioEnergy).toBeGreaterThan(0);

    // hang up from the page (same ek_), the data channel closes
    const hang = await page.evaluate(async ({ base, ek }) => {
      const t = /** @type {any} */ (window).__t;
      const r = await fetch(`${base}${t.location}/hangup`, { method: 'POST', headers: { Authorization: `Bearer ${ek}` } });
      return r.status;
    }, { base: emu.url, ek });
    expect(hang).toBe(200);
    await page.waitForFunction(() => /** @type {any} */ (window).__t.closed, null, { timeout: 3000 });
    expect(s.closed).toBe(1);
    await page.close();
  }, 30_000);

  it("@openai/agents-realtime's OpenAIRealtimeWebRTC connects (session.updated ack, call id from Location) and closes", async () => {
    const mintRes = await raw(emu, '/v1/realtime/client_secrets', { method: 'POST',
      headers: { authorization: `Bearer ${REALTIME_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } }) });
    const page = await context.newPage();
    await page.goto(siteUrl);
    // a module script (a string: vitest would rewrite an import() inside page.evaluate)
    await page.addScriptTag({ type: 'module',
      content: "import { OpenAIRealtimeWebRTC } from '/agr/openai-realtime-agents.mjs'; window.__AGR = OpenAIRealtimeWebRTC;" });
    await page.waitForFunction(() => /** @type {any} */ (window).__AGR, null, { timeout: 10_000 });
    const out = await page.evaluate(async ({ base, ek }) => {
      const transport = new (/** @type {any} */ (window).__AGR)({ baseUrl: `${base}/v1/realtime/calls` });
      /** @type {any} */ (window).__agr = transport;
      const t0 = performance.now();
      await transport.connect({ apiKey: ek, model: 'gpt-realtime-2.1', initialSessionConfig: { instructions: 'SDK over WebRTC.' } });
      return { status: transport.status, callId: transport.callId, connectMs: performance.now() - t0 };
    }, { base: emu.url, ek: mintRes.json.value });
    expect(out.status).toBe('connected');
    expect(out.callId).toMatch(/^rtc_[0-9a-f]{32}$/);
    expect(out.connectMs).toBeLessThan(4500); // acknowledged by session.updated, not by the SDK's 5 s fallback
    const s = await until(() => sessions.find((x) => x.ctx.callId === out.callId), 3000, 'session');
    const update = s.events.find((e) => e?.type === 'session.update');
    expect(update.session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'SDK over WebRTC.' });

    await page.evaluate(() => /** @type {any} */ (window).__agr.close());
    await until(() => s.closed === 1, 3000, 'server-side close');
    expect(listCalls().map((c) => c.id)).not.toContain(out.callId);
    await page.close();
  }, 30_000);
});

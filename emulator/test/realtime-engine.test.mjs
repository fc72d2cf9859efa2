// The transport-independent session engine through a fake wire (WebRTC-kind paths: playAudio,
// output_audio_buffer.*, server-side truncation), plus its building blocks: VAD, synthesis, script,
// session.update rules and realtime session faults.
import { afterEach, describe, expect, it } from 'vitest';
import { createFaults } from '../lib/faults.mjs';
import { concatPcm, decodeAudio, encodeAudio, rms, silence, synthesizeSpeech, voicedTone } from '../lib/realtime/audio-synth.mjs';
import { DEFAULT_SCRIPT, normalizeScript, toolFollowUp } from '../lib/realtime/conversation-script.mjs';
import { attachRealtimeSession, sessionExpiredMessage } from '../lib/realtime/session-engine.mjs';
import { applySessionUpdate } from '../lib/realtime/session-config.mjs';
import { createVad, thresholdToRms, vadParams } from '../lib/realtime/vad.mjs';
import { realtimeDefaults } from '../lib/session.mjs';
import { createState } from '../lib/state.mjs';
import { FAST, sleep } from './realtime-ws-helpers.mjs';

/** A fake RealtimeWire recording what the engine does. */
function fakeWire(kind = 'webrtc') {
  /** @type {any} */ const h = {};
  const w = {
    /** @type {any[]} */ sent: [],
    /** @type {Int16Array[]} */ played: [],
    clears: 0,
    playedMs: 0,
    /** @type {any} */ closed: null,
    wire: /** @type {any} */ (null),
    emit: (/** @type {any} */ e) => h.client(e),
    /** Feed mic audio in 20 ms chunks. @param {Int16Array} pcm */
    mic(pcm) {
      for (let i = 0; i < pcm.length; i += 480) h.audio(pcm.subarray(i, i + 480));
    },
    drain: () => h.drained(),
    hangUp: () => h.close(),
    types: () => w.sent.map((e) => e.type),
    /** @param {string} type */
    async next(type, pred = (/** @type {any} */ _e) => true, timeout = 4000) {
      const t0 = Date.now();
      for (;;) {
        const e = w.sent.find((x) => x.type === type && pred(x));
        if (e) return e;
        if (Date.now() - t0 > timeout) throw new Error(`no ${type}; got ${w.types().join(', ')}`);
        await sleep(5);
      }
    },
  };
  w.wire = {
    kind,
    send: (/** @type {any} */ e) => w.sent.push(e),
    onClientEvent: (/** @type {any} */ f) => (h.client = f),
    onInputAudio: (/** @type {any} */ f) => (h.audio = f),
    playAudio: (/** @type {Int16Array} */ pcm) => w.played.push(pcm),
    clearAudio: () => {
      w.clears++;
      return w.playedMs;
    },
    onAudioDrained: (/** @type {any} */ f) => (h.drained = f),
    onClose: (/** @type {any} */ f) => (h.close = f),
    close: (/** @type {number} */ code, /** @type {string} */ reason) => (w.closed = { code, reason }),
  };
  return w;
}

const speech = () => concatPcm([voicedTone(400, { amplitude: 0.5 }), silence(400)]);
/** @type {Array<{ close: () => void }>} */
let handles = [];
afterEach(() => {
  for (const h of handles) h.close();
  handles = [];
});
/** @param {any} w @param {any} [o] */
function attach(w, o = {}) {
  const state = createState();
  const h = attachRealtimeSession(w.wire, { session: { ...realtimeDefaults({ model: 'gpt-realtime-2.1' }), id: 'sess_minted' }, state, timing: FAST, ...o });
  handles.push(h);
  return { h, state };
}

describe('session engine over a WebRTC-kind wire', () => {
  it('mic audio → VAD turn → audio played on the wire with output_audio_buffer.started / stopped, no audio deltas', async () => {
    const w = fakeWire();
    const { h } = attach(w);
    expect(w.sent[0]).toMatchObject({ type: 'session.created', session: { object: 'realtime.session', model: 'gpt-realtime-2.1' } });
    expect(w.sent[0].session.id).not.toBe('sess_minted');
    expect(h.id).toBe(w.sent[0].session.id);
    w.mic(speech());
    const done = await w.next('response.done');
    const types = w.types();
    expect(types).not.toContain('response.output_audio.delta');
    expect(types.indexOf('output_audio_buffer.started')).toBeGreaterThan(types.indexOf('response.content_part.added'));
    expect(w.sent.find((e) => e.type === 'output_audio_buffer.started').response_id).toBe(done.response.id);
    const ms = w.played.reduce((s, p) => s + p.length / 24, 0);
    const reply = DEFAULT_SCRIPT[0].assistant;
    expect(ms).toBeGreaterThan(reply.length * FAST.msPerChar * 0.8);
    expect(done.response.usage.output_token_details.audio_tokens).toBe(Math.ceil(ms / 50));
    expect(types).not.toContain('output_audio_buffer.stopped');
    w.drain();
    expect(w.sent.at(-1)).toMatchObject({ type: 'output_audio_buffer.stopped', response_id: done.response.id });
  });

  it('barge-in while the response plays: cancel, output_audio_buffer.cleared, server-side truncation at the played ms', async () => {
    const w = fakeWire();
    const { state } = attach(w, { timing: { ...FAST, msPerChar: 20, audioSpeed: 2 } });
    w.mic(speech());
    const created = await w.next('response.created');
    await w.next('output_audio_buffer.started');
    while (w.played.length < 3) await sleep(5); // "Good," "let's" "rehearse." queued: more than 150 ms of audio
    w.playedMs = 150;
    w.mic(speech());
    const done = await w.next('response.done');
    expect(done.response).toMatchObject({ id: created.response.id, status: 'cancelled', status_details: { reason: 'turn_detected' } });
    const i = w.sent.indexOf(done);
    expect(w.sent[i + 1]).toMatchObject({ type: 'output_audio_buffer.cleared', response_id: created.response.id });
    const itemId = done.response.output[0].id;
    expect(w.sent[i + 2]).toMatchObject({ type: 'conversation.item.truncated', item_id: itemId, content_index: 0, audio_end_ms: 150 });
    expect(w.clears).toBe(1);
    w.emit({ type: 'conversation.item.retrieve', item_id: itemId });
    const got = await w.next('conversation.item.retrieved');
    expect(got.item.content[0].transcript).toBe('Good,'); // "Good," = 5 chars × 20 ms = 100 ms ≤ 150 < "Good, let's"
    expect(state.realtimeSessions()[0].truncations[0]).toMatchObject({ by: 'server', audio_end_ms: 150, transcript: 'Good,' });
  });

  it('speech after response.done while audio still plays: cleared + truncated, no cancel; output_audio_buffer.clear from the client', async () => {
    const w = fakeWire();
    attach(w);
    w.mic(speech());
    const done = await w.next('response.done');
    w.playedMs = 60;
    w.mic(speech());
    await w.next('output_audio_buffer.cleared');
    expect(w.sent.filter((e) => e.type === 'response.done')).toHaveLength(1);
    expect((await w.next('conversation.item.truncated')).audio_end_ms).toBe(60);
    expect(done.response.status).toBe('completed');
    // the second turn's response plays; the client clears it itself
    await w.next('output_audio_buffer.started', (e) => e.response_id !== done.response.id);
    w.emit({ type: 'output_audio_buffer.clear' });
    expect(w.sent.filter((e) => e.type === 'output_audio_buffer.cleared')).toHaveLength(2);
    const n = w.sent.length;
    w.emit({ type: 'output_audio_buffer.clear' }); // nothing queued now: no event
    w.emit({ type: 'input_audio_buffer.append', audio: 'AAAA' }); // ignored over WebRTC
    await sleep(5);
    expect(w.sent.slice(n).filter((e) => e.type === 'output_audio_buffer.cleared' || e.type === 'error')).toEqual([]);
  });

  it('close() closes the wire and stops all events; the client hanging up ends the record', async () => {
    const w = fakeWire();
    const { h, state } = attach(w);
    w.emit({ type: 'response.create' });
    await w.next('response.created');
    h.close(1000, 'bye');
    expect(w.closed).toEqual({ code: 1000, reason: 'bye' });
    const n = w.sent.length;
    await sleep(60);
    expect(w.sent.length).toBe(n);
    expect(state.realtimeSessions()[0].endedBy).toBe('server');

    const w2 = fakeWire('websocket');
    const { state: s2 } = attach(w2);
    w2.hangUp();
    w2.emit({ type: 'response.create' });
    expect(w2.sent).toHaveLength(1);
    expect(s2.realtimeSessions()[0].endedBy).toBe('client');
  });

  it('takes realtime session faults for its transport (route realtime.webrtc); times counts sessions', async () => {
    const faults = createFaults();
    faults.set([{ route: 'realtime.webrtc', errorEvent: { code: 'boom', message: 'Boom.' }, times: 1 }, { route: 'realtime.websocket', sessionExpired: true }]);
    const w = fakeWire();
    attach(w, { faults });
    w.emit({ type: 'response.create', event_id: 'x' });
    expect(w.sent.at(-1)).toMatchObject({ type: 'error', error: { type: 'server_error', code: 'boom', event_id: 'x' } });
    expect(faults.list()).toEqual([{ route: 'realtime.websocket', sessionExpired: true }]);
    expect(faults.take('realtime')).toMatchObject({ statusFault: null, dropConnection: false });
    expect(faults.list()).toHaveLength(1);
    expect(sessionExpiredMessage(3_600_000)).toBe('Your session hit the maximum duration of 60 minutes.');
    expect(sessionExpiredMessage(30 * 60_000)).toBe('Your session hit the maximum duration of 30 minutes.');
    expect(sessionExpiredMessage(250)).toBe('Your session hit the maximum duration of 60 minutes.');
  });
});

describe('engine building blocks', () => {
  it('VAD: threshold in dB, prefix padding, silence duration, quiet noise ignored', () => {
    expect(thresholdToRms(0.5)).toBeCloseTo(10 ** (-35 / 20), 6);
    const p = vadParams({ type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 });
    const vad = createVad(() => p);
    const noise = voicedTone(1000, { amplitude: 0.005 });
    expect(rms(noise)).toBeLessThan(/** @type {any} */ (p).rmsThreshold);
    expect(vad.push(noise)).toEqual([]);
    const ev = vad.push(concatPcm([voicedTone(600, { amplitude: 0.4 }), silence(700)]));
    expect(ev).toEqual([{ type: 'start', audioStartMs: 700, detectedMs: 1060 }, { type: 'stop', audioEndMs: 2100 }]);
    expect(vadParams(null)).toBeNull();
    expect(vadParams({ type: 'semantic_vad', eagerness: 'high' })).toMatchObject({ silenceMs: 250, prefixMs: 300 });
    const strict = createVad(() => vadParams({ type: 'server_vad', threshold: 0.99 }));
    expect(strict.push(concatPcm([voicedTone(500, { amplitude: 0.2 }), silence(500)]))).toEqual([]);
  });

  it('synthesised speech: ≈ msPerChar per character, word timings, G.711 round trip', () => {
    const s = synthesizeSpeech('Hello board members', { msPerChar: 60 });
    expect(s.words.map((w) => w.word)).toEqual(['Hello', 'board', 'members']);
    expect(s.words[0]).toMatchObject({ startMs: 0, endMs: 300 });
    expect(s.durationMs).toBe(5 * 60 + 60 + 5 * 60 + 60 + 7 * 60 + 30);
    expect(rms(s.pcm, 0, 24 * 300)).toBeGreaterThan(0.1);
    for (const type of ['audio/pcmu', 'audio/pcma']) {
      const b64 = encodeAudio(s.pcm, { type });
      expect(Buffer.from(b64, 'base64').length).toBe(Math.floor(s.pcm.length / 3));
      const back = decodeAudio(Buffer.from(b64, 'base64'), { type });
      expect(Math.abs(rms(back) - rms(s.pcm))).toBeLessThan(0.01);
    }
  });

  it('script validation and the tool follow-up line', () => {
    expect(() => normalizeScript({})).toThrow(/array/);
    expect(() => normalizeScript([{ user: 'a' }])).toThrow(/assistant/);
    expect(() => normalizeScript([{ user: 'a', assistant: 'b', tool: { name: 'web_search' } }])).toThrow(/tool/);
    expect(() => normalizeScript([{ user: 'a', assistant: 'b', extra: 1 }])).toThrow(/unknown key/);
    expect(DEFAULT_SCRIPT.filter((t) => t.tool)).toEqual([expect.objectContaining({ tool: { name: 'web_search', query: expect.stringMatching(/EU AI Act/) } })]);
    expect(toolFollowUp('Plain text result. More.')).toBe('According to the search: Plain text result.');
    expect(toolFollowUp(JSON.stringify({ answer: 'It applies from 2026 ([news.example.com](https://news.example.com/x?utm_source=chatgpt.com)). Rest.' }), 'Next?'))
      .toBe('According to the search: It applies from 2026. Next?');
    expect(toolFollowUp(JSON.stringify({ results: [] }))).toBe('According to the search: {"results":[]}.');
    expect(toolFollowUp('')).toBe('The search returned nothing useful.');
  });

  it('session.update: voice is locked once audio was produced; the type cannot change', () => {
    const s = { ...realtimeDefaults(), id: 'sess_x' };
    const ok = applySessionUpdate(s, { type: 'realtime', audio: { output: { voice: 'marin' } } }, { audioProduced: false });
    expect('session' in ok && ok.session.audio.output.voice).toBe('marin');
    const locked = applySessionUpdate(s, { type: 'realtime', audio: { output: { voice: 'marin' } } }, { audioProduced: true });
    expect('error' in locked && locked.error.error).toMatchObject({ code: 'cannot_update_voice', param: 'session.audio.output.voice' });
    const same = applySessionUpdate(s, { type: 'realtime', audio: { output: { voice: 'alloy', speed: 1.2 } } }, { audioProduced: true });
    expect('session' in same && same.session.audio.output.speed).toBe(1.2);
    const type = applySessionUpdate(s, { type: 'transcription' }, { audioProduced: false });
    expect('error' in type && type.error.error).toMatchObject({ code: 'invalid_value', param: 'session.type' });
  });
});

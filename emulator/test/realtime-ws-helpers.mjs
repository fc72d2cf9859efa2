// Helpers for the realtime WebSocket tests: a fast emulator, minting, a raw `ws` client that records
// every server event, and speech-like PCM.
import WebSocket from 'ws';
import { concatPcm, pcm16ToBase64, silence, voicedTone } from '../lib/realtime/audio-synth.mjs';
import { REALTIME_KEY, start } from './helpers.mjs';

/** Fast pacing so a whole turn takes well under a second. */
export const FAST = { msPerChar: 6, audioSpeed: 8, responseDelayMs: 10, transcriptionDelayMs: 10, textMsPerWord: 3 };

/** @param {import('../server.mjs').EmulatorOptions} [o] */
export const startRealtime = (o = {}) => start({ ...o, realtimeConfig: { ...FAST, ...(o.realtimeConfig ?? {}) } });

/** @param {{ url: string }} emu @param {string} [query] */
export const wsUrl = (emu, query = 'model=gpt-realtime-2.1') => `${emu.url.replace(/^http/, 'ws')}/v1/realtime${query ? `?${query}` : ''}`;

/** Mint an ek_ through the emulator's own client_secrets route. @returns {Promise<any>} */
export async function mint(emu, body = { session: { type: 'realtime', model: 'gpt-realtime-2.1' } }, key = REALTIME_KEY) {
  const r = await fetch(`${emu.url}/v1/realtime/client_secrets`, {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await r.json();
  if (r.status !== 200) throw new Error(`mint failed: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** User "speech": a loud voiced signal of `speechMs`, then `silenceMs` of silence. */
export const utterance = (speechMs = 400, silenceMs = 600) => concatPcm([voicedTone(speechMs, { amplitude: 0.5 }), silence(silenceMs)]);

/**
 * A raw client. `events` holds every parsed server event; `next(type)` resolves with the first event of
 * that type (matching `pred`) not consumed yet by `next`, waiting when needed.
 * @param {string} url @param {{ key?: string, protocols?: string[], headers?: Record<string,string> }} [o]
 */
export function rawClient(url, o = {}) {
  const headers = { ...(o.protocols ? {} : { Authorization: `Bearer ${o.key ?? REALTIME_KEY}` }), ...(o.headers ?? {}) };
  const ws = new WebSocket(url, o.protocols ?? [], { headers });
  /** @type {any[]} */
  const events = [];
  /** @type {Set<number>} indexes handed out by next() */
  const taken = new Set();
  /** @type {Array<() => void>} */
  let waiters = [];
  ws.on('message', (data) => {
    events.push(JSON.parse(String(data)));
    const w = waiters;
    waiters = [];
    for (const fn of w) fn();
  });
  const closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
  });
  ws.on('error', () => {});

  /**
   * @param {string} type @param {(e: any) => boolean} [pred] @param {number} [timeout]
   * @returns {Promise<any>}
   */
  function next(type, pred = () => true, timeout = 4000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}; got ${events.map((e) => e.type).join(', ')}`)), timeout);
      const check = () => {
        const i = events.findIndex((e, idx) => !taken.has(idx) && e.type === type && pred(e));
        if (i >= 0) {
          taken.add(i);
          clearTimeout(timer);
          resolve(events[i]);
        } else waiters.push(check);
      };
      check();
    });
  }
  return {
    ws, events, opened, closed, next,
    /** @param {any} e */
    send: (e) => ws.send(typeof e === 'string' ? e : JSON.stringify(e)),
    /** Append PCM16 as base64 events of ~100 ms. @param {Int16Array} pcm */
    appendPcm(pcm) {
      for (let i = 0; i < pcm.length; i += 2400) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm.subarray(i, i + 2400)) }));
    },
    types: () => events.map((e) => e.type),
    close: () => ws.close(),
  };
}

/** Open a raw client and wait for session.created. */
export async function connect(url, o = {}) {
  const c = rawClient(url, o);
  await c.opened;
  await c.next('session.created');
  return c;
}

/**
 * Attempt a handshake that should fail: resolves with the HTTP status, headers and JSON body.
 * @param {string} url @param {{ headers?: Record<string,string>, protocols?: string[] }} [o]
 */
export function handshakeFailure(url, o = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, o.protocols ?? [], { headers: o.headers ?? {} });
    ws.on('open', () => {
      ws.close();
      reject(new Error('the handshake succeeded'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    });
    ws.on('error', (err) => resolve({ status: null, error: err }));
  });
}

/** Index of the first event of `type` (after `from`). @param {any[]} events @param {string} type */
export const indexOf = (events, type, from = 0) => events.findIndex((e, i) => i >= from && e.type === type);

/** Decoded PCM16 ms in base64 audio deltas. @param {any[]} deltas */
export const deltaMs = (deltas) => deltas.reduce((s, e) => s + Buffer.from(e.delta, 'base64').length / 48, 0);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll until fn() is truthy (returns its value) or fail after `ms`. @template T @param {() => T | Promise<T>} fn */
export async function until(fn, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

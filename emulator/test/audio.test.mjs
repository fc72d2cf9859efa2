// /v1/audio/speech and /v1/audio/transcriptions against the official openai client.
import OpenAI, { toFile } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MP3_FRAME_SAMPLES, crc16, wavHeader } from '../lib/audio-encode.mjs';
import { PRE_SKIP, oggCrc } from '../lib/audio-ogg-opus.mjs';
import { espeakAvailable, parseWavPcm16 } from '../lib/audio-tts.mjs';
import { DEFAULT_TRANSCRIPT } from '../lib/chat-audio-settings.mjs';
import { createOpusDecoder } from '../lib/realtime/opus-codec.mjs';
import { rms, voicedTone } from '../lib/realtime/audio-synth.mjs';
import { STANDARD_KEY, client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

const SHORT = 'Let us plan the rollout together.';
const LONG = 'Let us plan the rollout together, one careful step at a time, with the whole leadership team on board.';
const HAS_ESPEAK = espeakAvailable('/usr/bin/espeak-ng');
const bytesOf = async (r) => Buffer.from(await r.arrayBuffer());
/** @param {Buffer} b */
const pcmOf = (b) => new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length - (b.length % 2)));

/** Ogg pages of a stream (checks the capture pattern and the CRC of each page). @param {Buffer} b */
function oggPages(b) {
  const pages = [];
  for (let off = 0; off < b.length;) {
    expect(b.toString('latin1', off, off + 4)).toBe('OggS');
    const nseg = b[off + 26];
    const lacing = [...b.subarray(off + 27, off + 27 + nseg)];
    const len = 27 + nseg + lacing.reduce((a, x) => a + x, 0);
    const page = Buffer.from(b.subarray(off, off + len));
    const crc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    expect(oggCrc(page)).toBe(crc);
    const packets = [];
    let p = off + 27 + nseg;
    let cur = 0;
    for (const l of lacing) {
      cur += l;
      if (l < 255) {
        packets.push(b.subarray(p, p + cur));
        p += cur;
        cur = 0;
      }
    }
    pages.push({ flags: b[off + 5], granule: Number(b.readBigInt64LE(off + 6)), packets });
    off += len;
  }
  return pages;
}

describe('POST /v1/audio/speech', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());
  const c = (o = {}) => client(emu, { apiKey: STANDARD_KEY, ...o });
  const speak = (input, o = {}) => c().audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'coral', input, response_format: 'wav', ...o });

  it('wav: a valid 24 kHz mono PCM16 file, real speech, ≈60 ms per character, longer text → longer audio', async () => {
    const r = await speak(SHORT);
    expect(r.headers.get('content-type')).toBe('audio/wav');
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
    expect(r.headers.get('x-emulator-audio-source')).toBe(HAS_ESPEAK ? 'espeak-ng' : 'tone');
    const b = await bytesOf(r);
    const wav = /** @type {any} */ (parseWavPcm16(b));
    expect(wav).toMatchObject({ rate: 24000, channels: 1 });
    expect(b.readUInt32LE(40)).toBe(b.length - 44);
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    const ms = (wav.pcm.length / 24000) * 1000;
    expect(Number(r.headers.get('x-emulator-audio-duration-ms'))).toBeCloseTo(ms, -1);
    expect(ms / SHORT.length).toBeGreaterThan(35);
    expect(ms / SHORT.length).toBeLessThan(90);
    expect(rms(wav.pcm)).toBeGreaterThan(0.02);
    const long = /** @type {any} */ (parseWavPcm16(await bytesOf(await speak(LONG))));
    expect(long.pcm.length).toBeGreaterThan(wav.pcm.length * 2);
  });

  it('pcm: headerless PCM16 LE, the same samples as the wav; response.body streams in several chunks', async () => {
    emu.setFallbackConfig({ speechChunkMs: 8 });
    const r = await speak(LONG, { response_format: 'pcm' });
    expect(r.headers.get('content-type')).toBe('audio/pcm');
    const reader = /** @type {ReadableStream<Uint8Array>} */ (r.body).getReader();
    const parts = [];
    const t0 = performance.now();
    let firstAt = 0;
    for (let x = await reader.read(); !x.done; x = await reader.read()) {
      if (!parts.length) firstAt = performance.now() - t0;
      parts.push(Buffer.from(x.value));
    }
    const total = performance.now() - t0;
    expect(parts.length).toBeGreaterThan(5);
    expect(firstAt).toBeLessThan(total / 2); // playable before the end arrives
    const pcm = Buffer.concat(parts);
    expect(pcm.length % 2).toBe(0);
    emu.setFallbackConfig({ speechChunkMs: 0 });
    const wav = await bytesOf(await speak(LONG));
    expect(pcm.equals(wav.subarray(44))).toBe(true); // deterministic synthesis
  });

  it('opus: Ogg Opus (OpusHead, OpusTags, CRC-checked pages) that decodes to the speech, trimmed to its length', async () => {
    const r = await speak(SHORT, { response_format: 'opus' });
    expect(r.headers.get('content-type')).toBe('audio/opus');
    const pages = oggPages(await bytesOf(r));
    expect(pages[0].flags).toBe(2); // BOS
    expect(pages[0].packets[0].toString('latin1', 0, 8)).toBe('OpusHead');
    expect(pages[0].packets[0].readUInt16LE(10)).toBe(PRE_SKIP);
    expect(pages[1].packets[0].toString('latin1', 0, 8)).toBe('OpusTags');
    expect(pages.at(-1).flags).toBe(4); // EOS
    const dec = createOpusDecoder();
    const out = pages.slice(2).flatMap((p) => p.packets.map((pk) => dec.decode(Buffer.from(pk))));
    dec.free();
    const decoded = out.reduce((a, x) => a + x.length, 0);
    const wav = /** @type {any} */ (parseWavPcm16(await bytesOf(await speak(SHORT))));
    expect((pages.at(-1).granule - PRE_SKIP) / 2).toBe(wav.pcm.length); // playback length = the speech
    expect(decoded * 2).toBeGreaterThanOrEqual(pages.at(-1).granule);
    expect(Math.max(...out.map((x) => rms(x)))).toBeGreaterThan(0.02);
  });

  it('flac: STREAMINFO + CRC-valid VERBATIM frames holding exactly the wav samples', async () => {
    const r = await speak(SHORT, { response_format: 'flac' });
    expect(r.headers.get('content-type')).toBe('audio/flac');
    const b = await bytesOf(r);
    expect(b.toString('latin1', 0, 4)).toBe('fLaC');
    const info = b.readBigUInt64BE(18);
    expect(Number(info >> 44n)).toBe(24000);
    const total = Number(info & 0xfffffffffn);
    const samples = [];
    for (let off = 42; off < b.length;) {
      expect(b.readUInt16BE(off)).toBe(0xfff8);
      const full = b[off + 2] >> 4 === 0xc;
      let h = off + 4;
      h += b[h] < 0x80 ? 1 : b[h] < 0xe0 ? 2 : 3;
      const n = full ? 4096 : b.readUInt16BE(h) + 1;
      if (!full) h += 2;
      expect(b[h + 1]).toBe(0x02); // verbatim subframe
      const end = h + 2 + n * 2;
      expect(crc16(b.subarray(off, end))).toBe(b.readUInt16BE(end));
      for (let i = 0; i < n; i++) samples.push(b.readInt16BE(h + 2 + i * 2));
      off = end + 2;
    }
    const wav = /** @type {any} */ (parseWavPcm16(await bytesOf(await speak(SHORT))));
    expect(total).toBe(wav.pcm.length);
    expect(Int16Array.from(samples)).toEqual(wav.pcm);
  });

  it('mp3 (default format): silent MPEG-2 Layer III frames lasting as long as the speech', async () => {
    const r = await c().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: SHORT });
    expect(r.headers.get('content-type')).toBe('audio/mpeg');
    expect(r.headers.get('x-emulator-audio-source')).toBe('silence');
    const b = await bytesOf(r);
    expect(b.length % 96).toBe(0);
    for (let off = 0; off < b.length; off += 96) expect(b.readUInt32BE(off)).toBe(0xfff344c4);
    const ms = ((b.length / 96) * MP3_FRAME_SAMPLES) / 24;
    expect(Math.abs(ms - Number(r.headers.get('x-emulator-audio-duration-ms')))).toBeLessThan(25);
  });

  it('tone engine (control API) and stream_format "sse" (delta + done with usage)', async () => {
    await raw(emu, '/__emulator/fallback/config', { method: 'POST', body: JSON.stringify({ speechEngine: 'tone' }) });
    const r = await speak(SHORT, { response_format: 'pcm', speed: 2 });
    expect(r.headers.get('x-emulator-audio-source')).toBe('tone');
    const tone = pcmOf(await bytesOf(r));
    expect((tone.length / 24) / SHORT.length).toBeCloseTo(30, -1); // 60 ms per character at speed 1
    emu.setFallbackConfig({ speechEngine: 'auto', espeakPath: '/nonexistent/espeak-ng' }); // no espeak → the tone
    expect((await speak(SHORT)).headers.get('x-emulator-audio-source')).toBe('tone');
    const sse = await (await c().audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'ash', input: SHORT, response_format: 'pcm', stream_format: 'sse' })).text();
    const events = sse.split('\n\n').filter(Boolean).map((f) => JSON.parse(f.replace(/^data: /, '')));
    expect(events.at(-1)).toMatchObject({ type: 'speech.audio.done', usage: { input_tokens: Math.ceil(SHORT.length / 4) } });
    const deltas = events.slice(0, -1);
    expect(deltas.every((e) => e.type === 'speech.audio.delta')).toBe(true);
    expect(Buffer.concat(deltas.map((e) => Buffer.from(e.audio, 'base64'))).length / 48).toBeCloseTo(SHORT.length * 60, -2);
  });

  it.each([
    ['aac', { response_format: 'aac' }, 'response_format', 'unsupported_value'],
    ['an unknown voice', { voice: 'robot' }, 'voice', 'invalid_value'],
    ['marin on tts-1', { model: 'tts-1', voice: 'marin' }, 'voice', 'invalid_value'],
    ['instructions on tts-1', { model: 'tts-1', instructions: 'calm' }, 'instructions', 'unsupported_parameter'],
    ['empty input', { input: '' }, 'input', 'empty_string'],
    ['input over 4096 characters', { input: 'a'.repeat(4097) }, 'input', 'string_above_max_length'],
    ['speed 5', { speed: 5 }, 'speed', 'integer_above_max_value'],
    ['a chat model', { model: 'gpt-5.4' }, 'model', 'invalid_value'],
  ])('400 for %s', async (_n, o, param, code) => {
    const e = await rejectionOf(speak(SHORT, o));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect((await rejectionOf(speak(SHORT, { model: 'tts-9' }))).status).toBe(404);
  });

  it('faults: 503, latency, and a mid-stream drop that breaks the body read', async () => {
    emu.setFaults({ route: 'audio.speech', status: 503, times: 1 });
    expect(await rejectionOf(speak(SHORT))).toBeInstanceOf(OpenAI.InternalServerError);
    emu.setFaults({ route: 'audio', latencyMs: 120, times: 1 });
    const t0 = performance.now();
    await bytesOf(await speak(SHORT));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    emu.setFaults({ route: 'audio.speech', dropConnection: true, afterEvents: 2, times: 1 });
    const r = await speak(LONG, { response_format: 'pcm' });
    expect(r.status).toBe(200);
    expect(await rejectionOf(r.arrayBuffer())).toBeInstanceOf(Error);
  });
});

describe('POST /v1/audio/transcriptions', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());
  const c = (apiKey = STANDARD_KEY) => client(emu, { apiKey });
  const tone = voicedTone(800);
  const speechWav = Buffer.concat([wavHeader(tone.length), Buffer.from(tone.buffer)]);
  const silentWav = Buffer.concat([wavHeader(24000), Buffer.alloc(48000)]);
  const transcribe = async (o = {}, file = speechWav, name = 'turn.wav', key = STANDARD_KEY) =>
    c(key).audio.transcriptions.create({ model: 'whisper-1', file: await toFile(file, name), ...o });

  it('json: the default sentence with duration usage (whisper-1) or token usage (gpt-4o-transcribe)', async () => {
    expect(await transcribe()).toEqual({ text: DEFAULT_TRANSCRIPT, usage: { type: 'duration', seconds: 1 } });
    const g = /** @type {any} */ (await transcribe({ model: 'gpt-4o-transcribe' }));
    expect(g.text).toBe(DEFAULT_TRANSCRIPT);
    expect(g.usage).toMatchObject({ type: 'tokens', input_tokens: 8, output_tokens: Math.ceil(DEFAULT_TRANSCRIPT.length / 4) });
  });

  it('transcripts from the control API are served in order per key, then the default repeats; silence → ""', async () => {
    const set = await raw(emu, '/__emulator/transcripts', { method: 'POST', body: JSON.stringify(['First answer.', 'Second answer.']) });
    expect(set.json.transcripts).toEqual(['First answer.', 'Second answer.']);
    expect((await transcribe()).text).toBe('First answer.');
    expect((await transcribe({}, silentWav)).text).toBe(''); // silence consumes nothing
    expect((await transcribe({}, speechWav, 'a.wav', 'sk-test-realtime')).text).toBe('First answer.'); // other key
    expect((await transcribe()).text).toBe('Second answer.');
    expect((await transcribe()).text).toBe(DEFAULT_TRANSCRIPT);
    expect((await raw(emu, '/__emulator/transcripts')).json.served).toEqual({ 'sk-te***...dard': 3, 'sk-te***...time': 1 });
  });

  it('text / srt / vtt / verbose_json formats; gpt-4o-transcribe refuses srt', async () => {
    expect(await transcribe({ response_format: 'text' })).toBe(`${DEFAULT_TRANSCRIPT}\n`);
    expect(await transcribe({ response_format: 'srt' })).toBe(`1\n00:00:00,000 --> 00:00:00,800\n${DEFAULT_TRANSCRIPT}\n\n`);
    expect(await transcribe({ response_format: 'vtt' })).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n${DEFAULT_TRANSCRIPT}\n\n`);
    const v = /** @type {any} */ (await transcribe({ response_format: 'verbose_json', timestamp_granularities: ['word'], language: 'en' }));
    expect(v).toMatchObject({ task: 'transcribe', language: 'english', duration: 0.8, text: DEFAULT_TRANSCRIPT });
    expect(v.words).toHaveLength(DEFAULT_TRANSCRIPT.split(' ').length);
    const e = await rejectionOf(transcribe({ model: 'gpt-4o-transcribe', response_format: 'srt' }));
    expect(e.error).toMatchObject({ param: 'response_format', code: 'unsupported_value' });
  });

  it('stream=true on gpt-4o-mini-transcribe: transcript.text.delta events, then transcript.text.done', async () => {
    const s = await c().audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await toFile(speechWav, 'a.wav'), stream: true });
    /** @type {any[]} */
    const events = [];
    for await (const ev of s) events.push(ev);
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: DEFAULT_TRANSCRIPT });
    expect(events.slice(0, -1).map((ev) => ev.delta).join('')).toBe(DEFAULT_TRANSCRIPT);
  });

  it('bad uploads: over 25 MiB → 413; non-audio, empty or mislabelled files → 400 Invalid file format; missing parts', async () => {
    const big = Buffer.concat([speechWav, Buffer.alloc(25 * 1024 * 1024)]);
    const e = await rejectionOf(transcribe({}, big));
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e.status).toBe(413);
    expect(e.error.message).toMatch(/^Maximum content size limit \(26214400\) exceeded/);
    const formats = "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']";
    for (const [file, name] of [[Buffer.from('meeting notes'), 'notes.txt'], [Buffer.alloc(0), 'empty.wav'], [Buffer.from('not really audio'), 'fake.mp3']]) {
      const bad = await rejectionOf(transcribe({}, file, name));
      expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect(bad.error).toEqual({ message: formats, type: 'invalid_request_error', param: null, code: null });
    }
    const form = new FormData();
    form.set('file', new Blob([speechWav]), 'a.wav');
    const noModel = await raw(emu, '/v1/audio/transcriptions', { method: 'POST', headers: { Authorization: `Bearer ${STANDARD_KEY}` }, body: form });
    expectEnvelope(expect, noModel.json);
    expect(noModel.json.error).toMatchObject({ param: 'model', code: 'missing_required_parameter' });
    const json = await raw(emu, '/v1/audio/transcriptions', { method: 'POST', headers: { Authorization: `Bearer ${STANDARD_KEY}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.json.error.message).toMatch(/^Invalid Content-Type header \(application\/json\)/);
    expect((await rejectionOf(transcribe({ model: 'whisper-9' }))).status).toBe(404);
  });

  it('faults: 429 → RateLimitError with maxRetries 0; hang → timeout', async () => {
    emu.setFaults({ route: 'audio.transcriptions', status: 429, retryAfter: 1, times: 1 });
    expect(await rejectionOf(transcribe())).toBeInstanceOf(OpenAI.RateLimitError);
    emu.setFaults({ route: 'audio.transcriptions', hang: true, times: 1 });
    const hung = client(emu, { apiKey: STANDARD_KEY, timeout: 200 }).audio.transcriptions.create({ model: 'whisper-1', file: await toFile(speechWav, 'a.wav') });
    expect(await rejectionOf(hung)).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });
});

// Audio helpers for the realtime engine: PCM16 24 kHz mono little-endian, base64 framing, G.711
// (μ-law / A-law) for the audio/pcmu and audio/pcma formats, RMS, and a speech-like synthesiser.
// The synthesiser is not speech: a voiced tone (fundamental + harmonics) whose amplitude rises and
// falls at a syllable rate, one burst per word, with a short pause between words. It is loud enough
// for an energy VAD to hear and has a known duration per word, so truncation can map ms → words.

export const SAMPLE_RATE = 24000;
export const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decode base64 audio. Returns null when the string is not canonical base64.
 * @param {unknown} b64 @returns {Buffer|null}
 */
export function decodeBase64(b64) {
  if (typeof b64 !== 'string' || b64.length % 4 !== 0 || !BASE64_RE.test(b64)) return null;
  return Buffer.from(b64, 'base64');
}

/** Little-endian PCM16 bytes → samples (a trailing odd byte is dropped). @param {Buffer} buf */
export function bytesToPcm16(buf) {
  const n = buf.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/** Samples → base64 of little-endian PCM16. @param {Int16Array} pcm */
export function pcm16ToBase64(pcm) {
  const buf = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i], i * 2);
  return buf.toString('base64');
}

// ---------------------------------------------------------------- G.711
/** @param {number} u */
function ulawToLinear(u) {
  const x = ~u & 0xff;
  const t = (((x & 0x0f) << 3) + 0x84) << ((x & 0x70) >> 4);
  return x & 0x80 ? 0x84 - t : t - 0x84;
}
/** @param {number} a */
function alawToLinear(a) {
  const x = a ^ 0x55;
  let t = (x & 0x0f) << 4;
  const seg = (x & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return x & 0x80 ? t : -t;
}
/** @param {number} s */
function linearToUlaw(s) {
  const BIAS = 0x84;
  let sign = 0;
  let v = s;
  if (v < 0) {
    v = -v;
    sign = 0x80;
  }
  v = Math.min(v, 32635) + BIAS;
  let exp = 7;
  for (let mask = 0x4000; (v & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (v >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}
/** @param {number} s */
function linearToAlaw(s) {
  let sign = 0x80;
  let v = s;
  if (v < 0) {
    v = -v - 1;
    sign = 0;
  }
  v = Math.min(v, 32767);
  let out;
  if (v < 256) out = v >> 4;
  else {
    let exp = 1;
    while (exp < 7 && v >= 256 << exp) exp++;
    out = (exp << 4) | ((v >> (exp + 3)) & 0x0f);
  }
  return (out | sign) ^ 0x55;
}

/**
 * Bytes in a session audio format → PCM16 at 24 kHz (G.711 is 8 kHz: each sample is repeated 3×).
 * @param {Buffer} buf @param {{type?: string}} [format]
 */
export function decodeAudio(buf, format) {
  const t = format?.type ?? 'audio/pcm';
  if (t !== 'audio/pcmu' && t !== 'audio/pcma') return bytesToPcm16(buf);
  const dec = t === 'audio/pcmu' ? ulawToLinear : alawToLinear;
  const out = new Int16Array(buf.length * 3);
  for (let i = 0; i < buf.length; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = dec(buf[i]);
  return out;
}

/**
 * PCM16 24 kHz → base64 in a session audio format (G.711: every third sample, 1 byte each).
 * @param {Int16Array} pcm @param {{type?: string}} [format]
 */
export function encodeAudio(pcm, format) {
  const t = format?.type ?? 'audio/pcm';
  if (t !== 'audio/pcmu' && t !== 'audio/pcma') return pcm16ToBase64(pcm);
  const enc = t === 'audio/pcmu' ? linearToUlaw : linearToAlaw;
  const out = Buffer.alloc(Math.floor(pcm.length / 3));
  for (let i = 0; i < out.length; i++) out[i] = enc(pcm[i * 3]);
  return out.toString('base64');
}

/** Bytes per ms of audio in a format (PCM16 24 kHz: 48; G.711: 8). @param {{type?: string}} [format] */
export const bytesPerMs = (format) => (format?.type === 'audio/pcmu' || format?.type === 'audio/pcma' ? 8 : 48);

/** RMS of samples [start, end) normalised to 0..1. @param {Int16Array} pcm */
export function rms(pcm, start = 0, end = pcm.length) {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / (end - start)) / 32768;
}

// ---------------------------------------------------------------- synthesis
/** Fundamental frequency per voice (Hz): lower for the "male" voices. */
const VOICE_F0 = { alloy: 180, ash: 120, ballad: 130, coral: 210, echo: 125, sage: 200, shimmer: 220, verse: 140, marin: 205, cedar: 115 };

/**
 * A voiced, syllable-modulated tone: `ms` long, peak amplitude `amplitude` (0..1).
 * Used for assistant words and, by tests, as "the user speaking".
 * @param {number} ms @param {{ f0?: number, amplitude?: number, syllableHz?: number, phase?: number }} [o]
 */
export function voicedTone(ms, o = {}) {
  const n = Math.max(0, Math.round(ms * SAMPLES_PER_MS));
  const out = new Int16Array(n);
  const f0 = o.f0 ?? 150;
  const amp = (o.amplitude ?? 0.4) * 32767;
  const syl = o.syllableHz ?? 4.5;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const f = f0 * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t)); // slight vibrato
    const ph = 2 * Math.PI * f * t + (o.phase ?? 0);
    const voiced = 0.6 * Math.sin(ph) + 0.25 * Math.sin(2 * ph) + 0.1 * Math.sin(3 * ph) + 0.05 * Math.sin(4 * ph);
    // syllable envelope: never fully silent inside a word, so the VAD sees one continuous burst
    const env = 0.55 + 0.45 * Math.abs(Math.sin(Math.PI * syl * t));
    // 5 ms fade in/out against clicks
    const edge = Math.min(1, i / (SAMPLES_PER_MS * 5), (n - 1 - i) / (SAMPLES_PER_MS * 5));
    out[i] = Math.round(amp * voiced * env * Math.max(0, edge));
  }
  return out;
}

/** n ms of digital silence. @param {number} ms */
export const silence = (ms) => new Int16Array(Math.max(0, Math.round(ms * SAMPLES_PER_MS)));

/** Concatenate PCM chunks. @param {Int16Array[]} parts */
export function concatPcm(parts) {
  const out = new Int16Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * @typedef {{ word: string, startMs: number, endMs: number, start: number, end: number }} WordTiming
 *   start/end: sample offsets of the word's slot (voiced part + following pause); endMs: end of the voiced part.
 */

/**
 * Speech-like audio for a line of text: ≈ `msPerChar` per character (the space after a word is its pause).
 * @param {string} text @param {{ msPerChar?: number, voice?: unknown }} [o]
 * @returns {{ pcm: Int16Array, words: WordTiming[], durationMs: number }}
 */
export function synthesizeSpeech(text, o = {}) {
  const msPerChar = o.msPerChar ?? 60;
  const f0 = typeof o.voice === 'string' ? VOICE_F0[/** @type {keyof VOICE_F0} */ (o.voice)] ?? 170 : 170;
  const tokens = String(text).split(/\s+/).filter(Boolean);
  /** @type {Int16Array[]} */
  const parts = [];
  /** @type {WordTiming[]} */
  const words = [];
  let samples = 0;
  tokens.forEach((word, i) => {
    const voicedMs = Math.max(msPerChar, word.length * msPerChar);
    const pauseMs = i === tokens.length - 1 ? Math.round(msPerChar / 2) : msPerChar;
    const tone = voicedTone(voicedMs, { f0, amplitude: 0.35, phase: i });
    const gap = silence(pauseMs);
    const start = samples;
    words.push({ word, start, end: start + tone.length + gap.length, startMs: start / SAMPLES_PER_MS, endMs: (start + tone.length) / SAMPLES_PER_MS });
    parts.push(tone, gap);
    samples += tone.length + gap.length;
  });
  return { pcm: concatPcm(parts), words, durationMs: samples / SAMPLES_PER_MS };
}

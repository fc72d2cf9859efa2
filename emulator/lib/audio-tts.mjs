// Text → PCM16 mono 24 kHz for POST /v1/audio/speech: real speech from espeak-ng when it is installed
// (one espeak voice variant per OpenAI voice), otherwise the realtime engine's voiced tone. Both give
// about 60 ms of audio per character at speed 1.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { SAMPLE_RATE, synthesizeSpeech } from './realtime/audio-synth.mjs';

/** espeak-ng voice per OpenAI voice (English, male/female variants). */
export const ESPEAK_VOICES = {
  alloy: 'en-us+f2', ash: 'en-us+m3', ballad: 'en-gb+m2', coral: 'en-us+f3', echo: 'en-us+m1', fable: 'en-gb+m4',
  onyx: 'en-us+m7', nova: 'en-us+f4', sage: 'en-us+f1', shimmer: 'en-us+f5', verse: 'en-us+m2', marin: 'en-us+f3', cedar: 'en-us+m6',
};
const ESPEAK_WPM = 175; // ≈ 60 ms per character of English text
const ESPEAK_TIMEOUT_MS = 30_000;

/** @type {Map<string, boolean>} */
const available = new Map();
/** Is the espeak-ng binary there and executable? (cached per path) @param {string} path */
export function espeakAvailable(path) {
  if (!available.has(path)) {
    try {
      accessSync(path, constants.X_OK);
      available.set(path, true);
    } catch {
      available.set(path, false);
    }
  }
  return /** @type {boolean} */ (available.get(path));
}

/** Linear-interpolation resampling of PCM16. @param {Int16Array} pcm @param {number} from @param {number} to */
export function resample(pcm, from, to) {
  if (from === to || !pcm.length) return pcm;
  const n = Math.max(1, Math.round((pcm.length * to) / from));
  const out = new Int16Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = pcm[Math.min(j, pcm.length - 1)];
    const b = pcm[Math.min(j + 1, pcm.length - 1)];
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

/**
 * Parse a PCM16 WAV (espeak-ng writes a placeholder data size when writing to stdout, so the data runs
 * to the end of the buffer). Returns null when it is not PCM16 WAV.
 * @param {Buffer} buf @returns {{ rate: number, channels: number, pcm: Int16Array } | null}
 */
export function parseWavPcm16(buf) {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') return null;
  let off = 12;
  let fmt = null;
  while (off + 8 <= buf.length) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 24 <= buf.length) {
      fmt = { format: buf.readUInt16LE(off + 8), channels: buf.readUInt16LE(off + 10), rate: buf.readUInt32LE(off + 12), bits: buf.readUInt16LE(off + 22) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16) return null;
      const end = Math.min(buf.length, off + 8 + size);
      const data = buf.subarray(off + 8, end - ((end - off - 8) % 2));
      const pcm = new Int16Array(data.length / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = data.readInt16LE(i * 2);
      return { rate: fmt.rate, channels: fmt.channels, pcm };
    }
    off += 8 + size + (size % 2);
  }
  return null;
}

/**
 * Run espeak-ng on a text (fed on stdin, so the text is never parsed as options).
 * @param {string} text @param {{ voice: string, speed: number, path: string }} o @returns {Promise<Int16Array|null>}
 */
function espeak(text, o) {
  return new Promise((resolve) => {
    const wpm = Math.min(450, Math.max(80, Math.round(ESPEAK_WPM * o.speed)));
    const variant = ESPEAK_VOICES[/** @type {keyof ESPEAK_VOICES} */ (o.voice)] ?? ESPEAK_VOICES.alloy;
    let child;
    try {
      child = spawn(o.path, ['--stdout', '--stdin', '-v', variant, '-s', String(wpm)], { stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      resolve(null);
      return;
    }
    /** @type {Buffer[]} */
    const out = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), ESPEAK_TIMEOUT_MS);
    child.stdout.on('data', (c) => out.push(c));
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wav = code === 0 ? parseWavPcm16(Buffer.concat(out)) : null;
      if (!wav || wav.channels !== 1 || !wav.pcm.length) return resolve(null);
      resolve(resample(wav.pcm, wav.rate, SAMPLE_RATE));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(`${text.replace(/\s+/g, ' ').trim()}\n`);
  });
}

/**
 * Speech for a text as PCM16 mono 24 kHz.
 * @param {string} text
 * @param {{ voice?: string, speed?: number, engine?: 'auto'|'espeak-ng'|'tone', espeakPath?: string }} [o]
 * @returns {Promise<{ pcm: Int16Array, source: 'espeak-ng'|'tone' }>}
 */
export async function textToPcm(text, o = {}) {
  const speed = o.speed ?? 1;
  const voice = o.voice ?? 'alloy';
  const path = o.espeakPath ?? '/usr/bin/espeak-ng';
  if ((o.engine ?? 'auto') !== 'tone' && espeakAvailable(path)) {
    const pcm = await espeak(text, { voice, speed, path });
    if (pcm) return { pcm, source: 'espeak-ng' };
  }
  return { pcm: synthesizeSpeech(text, { msPerChar: 60 / speed, voice }).pcm, source: 'tone' };
}

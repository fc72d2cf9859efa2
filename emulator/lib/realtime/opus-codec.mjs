// Opus encode/decode for the WebRTC peer (opusscript, WebAssembly build of libopus).
//
// The realtime protocol's PCM is mono PCM16 at 24 kHz. libopus works at 48 kHz internally and can take
// and give 24 kHz directly (it band-limits and resamples itself), so the codec runs at 24 kHz and
// no resampler of our own is needed: one 20 ms Opus frame = 480 samples here. On the wire the RTP clock
// of Opus is always 48 kHz (RFC 7587), so one 20 ms frame advances the RTP timestamp by 960.
//
// opusscript's API takes and returns little-endian PCM16 as a Node Buffer of bytes (not an Int16Array:
// an Int16Array is copied element by element into its byte heap and comes out garbled).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PCM_RATE = 24_000;
export const FRAME_MS = 20;
/** Samples in one 20 ms frame at 24 kHz. */
export const FRAME_SAMPLES = (PCM_RATE * FRAME_MS) / 1000; // 480
/** RTP timestamp step of one 20 ms Opus frame (48 kHz RTP clock). */
export const RTP_TS_PER_FRAME = (48_000 * FRAME_MS) / 1000; // 960

/**
 * A 20 ms Opus frame that decodes to digital silence (TOC 0xF8: CELT fullband 20 ms, mono, one frame).
 * Sent while nothing is playing; it costs no encoder time.
 */
export const OPUS_SILENCE_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);

/** @type {any} */
let OpusScript = null;
function opus() {
  OpusScript ??= require('opusscript');
  return OpusScript;
}

/** Int16Array → little-endian byte Buffer (a copy). @param {Int16Array} pcm */
const toBytes = (pcm) => Buffer.from(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));

/** Little-endian byte Buffer → Int16Array (a copy). @param {Buffer} buf */
function toInt16(buf) {
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/**
 * Mono 24 kHz Opus encoder for 20 ms frames.
 * @param {{ bitrate?: number }} [o]
 */
export function createOpusEncoder(o = {}) {
  const O = opus();
  let enc = new O(PCM_RATE, 1, O.Application.VOIP);
  if (o.bitrate) enc.setBitrate(o.bitrate);
  return {
    /** Encode exactly one frame (shorter input is padded with silence). @param {Int16Array} pcm */
    encode(pcm) {
      if (!enc) throw new Error('opus encoder was freed');
      let frame = pcm;
      if (pcm.length !== FRAME_SAMPLES) {
        frame = new Int16Array(FRAME_SAMPLES);
        frame.set(pcm.subarray(0, FRAME_SAMPLES));
      }
      return enc.encode(toBytes(frame), FRAME_SAMPLES);
    },
    free() {
      enc?.delete();
      enc = null;
    },
  };
}

/** Opus decoder giving mono PCM16 at 24 kHz (stereo packets are down-mixed by libopus). */
export function createOpusDecoder() {
  const O = opus();
  let dec = new O(PCM_RATE, 1, O.Application.VOIP);
  return {
    /** @param {Buffer} packet @returns {Int16Array} */
    decode(packet) {
      if (!dec) throw new Error('opus decoder was freed');
      return toInt16(dec.decode(packet));
    },
    free() {
      dec?.delete();
      dec = null;
    },
  };
}

/** Root-mean-square level of PCM16 samples (0 for silence). @param {Int16Array} pcm */
export function rms(pcm) {
  if (!pcm.length) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / pcm.length);
}

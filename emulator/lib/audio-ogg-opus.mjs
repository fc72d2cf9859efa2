// Ogg Opus (RFC 7845) for POST /v1/audio/speech `response_format: "opus"`: libopus (opusscript, via the
// realtime codec wrapper) encodes 20 ms frames of PCM16 mono 24 kHz; a minimal Ogg muxer writes the
// OpusHead and OpusTags pages, then audio pages of FRAMES_PER_PAGE packets each. Granule positions are in
// 48 kHz samples and include the pre-skip; the last page's granule trims the padding of the last frame.
import { FRAME_SAMPLES, createOpusEncoder } from './realtime/opus-codec.mjs';

/** libopus' encoder delay at 48 kHz (2.5 ms look-ahead + 4 ms delay compensation): 312 samples. */
export const PRE_SKIP = 312;
export const FRAMES_PER_PAGE = 10; // 200 ms per page
const SERIAL_BASE = 0x4f505553;

const CRC = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 24;
  for (let b = 0; b < 8; b++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  CRC[i] = c >>> 0;
}
/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, initial value 0). @param {Uint8Array} b */
export function oggCrc(b) {
  let c = 0;
  for (let i = 0; i < b.length; i++) c = ((c << 8) ^ CRC[((c >>> 24) ^ b[i]) & 0xff]) >>> 0;
  return c >>> 0;
}

/**
 * One Ogg page holding whole packets.
 * @param {Buffer[]} packets @param {{ granule: bigint, serial: number, seq: number, bos?: boolean, eos?: boolean }} o
 */
export function oggPage(packets, o) {
  /** @type {number[]} */
  const lacing = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  if (lacing.length > 255) throw new Error('too many segments for one Ogg page');
  const head = Buffer.alloc(27 + lacing.length);
  head.write('OggS', 0, 'latin1');
  head[4] = 0; // version
  head[5] = (o.bos ? 0x02 : 0) | (o.eos ? 0x04 : 0);
  head.writeBigInt64LE(o.granule, 6);
  head.writeUInt32LE(o.serial >>> 0, 14);
  head.writeUInt32LE(o.seq >>> 0, 18);
  head[26] = lacing.length;
  head.set(lacing, 27);
  const page = Buffer.concat([head, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** The OpusHead identification packet (mono, 24 kHz input). */
export function opusHead(inputRate = 24_000) {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'latin1');
  b[8] = 1; // version
  b[9] = 1; // channels
  b.writeUInt16LE(PRE_SKIP, 10);
  b.writeUInt32LE(inputRate, 12);
  b.writeInt16LE(0, 16); // output gain
  b[18] = 0; // channel mapping family
  return b;
}

/** The OpusTags comment packet. */
export function opusTags(vendor = 'openai-emulator (libopus via opusscript)') {
  const v = Buffer.from(vendor, 'utf8');
  const b = Buffer.alloc(8 + 4 + v.length + 4);
  b.write('OpusTags', 0, 'latin1');
  b.writeUInt32LE(v.length, 8);
  v.copy(b, 12);
  b.writeUInt32LE(0, 12 + v.length); // no user comments
  return b;
}

/**
 * Ogg Opus pages for PCM16 mono 24 kHz, yielded one page at a time (the encoder yields to the event loop
 * between pages, so long texts do not block other requests).
 * @param {Int16Array} pcm @returns {AsyncGenerator<Buffer>}
 */
export async function* oggOpusChunks(pcm) {
  const serial = (SERIAL_BASE ^ Math.floor(Math.random() * 0xffffffff)) >>> 0;
  let seq = 0;
  yield oggPage([opusHead()], { granule: 0n, serial, seq: seq++, bos: true });
  yield oggPage([opusTags()], { granule: 0n, serial, seq: seq++ });
  const enc = createOpusEncoder({ bitrate: 32_000 });
  try {
    // enough frames to flush the encoder's delay: decoded samples ≥ pre-skip + the audio
    const frames = Math.ceil((pcm.length + PRE_SKIP / 2) / FRAME_SAMPLES);
    const endGranule = BigInt(PRE_SKIP + pcm.length * 2);
    for (let f = 0; f < frames; f += FRAMES_PER_PAGE) {
      const count = Math.min(FRAMES_PER_PAGE, frames - f);
      /** @type {Buffer[]} */
      const packets = [];
      for (let i = 0; i < count; i++) {
        const at = (f + i) * FRAME_SAMPLES;
        packets.push(Buffer.from(enc.encode(pcm.subarray(at, at + FRAME_SAMPLES))));
      }
      const last = f + count >= frames;
      const granule = last ? endGranule : BigInt((f + count) * FRAME_SAMPLES * 2); // 48 kHz samples decoded so far
      yield oggPage(packets, { granule, serial, seq: seq++, eos: last });
      if (!last) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    enc.free();
  }
}

// Containers for POST /v1/audio/speech, all from PCM16 mono 24 kHz, each yielded as a series of body
// chunks so the route can stream them:
//   pcm  raw little-endian samples (as OpenAI documents: 24 kHz, 16-bit, mono, no header)
//   wav  RIFF/WAVE PCM16 with exact sizes (the audio is synthesised before the first byte is sent)
//   flac FLAC with VERBATIM subframes (lossless, uncompressed but valid; CRC-8/CRC-16 per frame)
//   mp3  MPEG-2 Layer III frames of digital SILENCE with the speech's duration (no MP3 encoder here)
// Opus (Ogg) is in audio-ogg-opus.mjs.

export const RATE = 24_000;
/** Samples per body chunk for pcm/wav (100 ms). */
export const CHUNK_SAMPLES = 2_400;

/** Int16 samples → little-endian bytes. @param {Int16Array} pcm */
export function pcmBytes(pcm) {
  const buf = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i], i * 2);
  return buf;
}

/** The 44-byte WAV header for `samples` PCM16 mono samples. @param {number} samples */
export function wavHeader(samples, rate = RATE) {
  const h = Buffer.alloc(44);
  const data = samples * 2;
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data, 40);
  return h;
}

/** @param {Int16Array} pcm */
function* pcmChunks(pcm) {
  for (let i = 0; i < pcm.length; i += CHUNK_SAMPLES) yield pcmBytes(pcm.subarray(i, i + CHUNK_SAMPLES));
}

// ---------------------------------------------------------------- FLAC
const FLAC_BLOCK = 4096;
const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c8 = i;
  let c16 = i << 8;
  for (let b = 0; b < 8; b++) {
    c8 = c8 & 0x80 ? ((c8 << 1) ^ 0x07) & 0xff : (c8 << 1) & 0xff;
    c16 = c16 & 0x8000 ? ((c16 << 1) ^ 0x8005) & 0xffff : (c16 << 1) & 0xffff;
  }
  CRC8[i] = c8;
  CRC16[i] = c16;
}
/** @param {Uint8Array} b */
export const crc8 = (b) => b.reduce((c, x) => CRC8[c ^ x], 0);
/** @param {Uint8Array} b */
export const crc16 = (b) => b.reduce((c, x) => ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ x], 0);

/** FLAC's UTF-8-like coding of a frame number. @param {number} n */
function utf8Number(n) {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  if (n < 0x10000) return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
  return [0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

/** "fLaC" + the STREAMINFO block (the last metadata block). @param {number} total samples */
export function flacHead(total) {
  const b = Buffer.alloc(4 + 4 + 34);
  b.write('fLaC', 0, 'latin1');
  b[4] = 0x80; // last-metadata-block flag, type 0 (STREAMINFO)
  b.writeUIntBE(34, 5, 3);
  b.writeUInt16BE(FLAC_BLOCK, 8); // min block size
  b.writeUInt16BE(FLAC_BLOCK, 10); // max block size
  // min/max frame size (24 bits each): 0 = unknown
  // sample rate (20) | channels-1 (3) | bits-1 (5) | total samples (36), then a zero MD5 (unknown)
  const bits = (BigInt(RATE) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(total);
  b.writeBigUInt64BE(bits, 18);
  return b;
}

/** One FLAC frame with a VERBATIM subframe. @param {Int16Array} block @param {number} index */
export function flacFrame(block, index) {
  const full = block.length === FLAC_BLOCK;
  const head = [0xff, 0xf8, (full ? 0xc0 : 0x70) | 0x07, 0x08, ...utf8Number(index)];
  if (!full) head.push((block.length - 1) >> 8, (block.length - 1) & 0xff);
  head.push(crc8(Uint8Array.from(head)));
  const frame = Buffer.alloc(head.length + 1 + block.length * 2 + 2);
  frame.set(head, 0);
  frame[head.length] = 0x02; // subframe: VERBATIM, no wasted bits
  for (let i = 0; i < block.length; i++) frame.writeInt16BE(block[i], head.length + 1 + i * 2);
  frame.writeUInt16BE(crc16(frame.subarray(0, frame.length - 2)), frame.length - 2);
  return frame;
}

/** @param {Int16Array} pcm */
function* flacChunks(pcm) {
  yield flacHead(pcm.length);
  for (let i = 0, n = 0; i < pcm.length; i += FLAC_BLOCK, n++) yield flacFrame(pcm.subarray(i, i + FLAC_BLOCK), n);
}

// ---------------------------------------------------------------- MP3 (silence)
/** Samples per MPEG-2 Layer III frame. */
export const MP3_FRAME_SAMPLES = 576;
/** MPEG-2 Layer III, 32 kbit/s, 24 kHz, mono, no CRC: 72 * 32000 / 24000 = 96 bytes, all-zero side info = silence. */
export function mp3SilentFrame() {
  const f = Buffer.alloc(96);
  f.set([0xff, 0xf3, 0x44, 0xc4], 0); // sync, MPEG-2, Layer III, no CRC | 32 kbit/s, 24 kHz | mono, original
  return f;
}

/** @param {number} samples */
function* mp3Chunks(samples) {
  const frames = Math.max(1, Math.ceil(samples / MP3_FRAME_SAMPLES));
  const frame = mp3SilentFrame();
  for (let i = 0; i < frames; i += 8) yield Buffer.concat(Array(Math.min(8, frames - i)).fill(frame));
}

/**
 * Body chunks for a container (not opus).
 * @param {'pcm'|'wav'|'flac'|'mp3'} format @param {Int16Array} pcm
 * @returns {Iterable<Buffer>}
 */
export function* encodeChunks(format, pcm) {
  if (format === 'wav') yield wavHeader(pcm.length);
  if (format === 'wav' || format === 'pcm') yield* pcmChunks(pcm);
  else if (format === 'flac') yield* flacChunks(pcm);
  else if (format === 'mp3') yield* mp3Chunks(pcm.length);
  else throw new Error(`no encoder for ${format}`);
}

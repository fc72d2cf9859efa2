import { describe, expect, it } from 'vitest';
import {
  bytesToPcm16,
  createResampler,
  decodeBase64,
  decodePcm16Base64,
  encodeBase64,
  encodePcm16Base64,
  floatToPcm16,
  pcm16ToBytes,
  pcm16ToFloat,
  rmsLevel,
} from '../../../src/lib/voice-agent/audio/pcm16';

function sine(rate: number, hz: number, samples: number, amplitude = 0.5, phase = 0): Float32Array {
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) out[i] = amplitude * Math.sin(phase + (2 * Math.PI * hz * i) / rate);
  return out;
}

describe('float ↔ PCM16', () => {
  it('maps full scale exactly and clamps out-of-range values', () => {
    const pcm = floatToPcm16(Float32Array.from([0, 1, -1, 2, -3, 0.5, -0.5, Number.NaN, Infinity, -Infinity]));
    expect(Array.from(pcm)).toEqual([0, 32767, -32768, 32767, -32768, 16384, -16384, 0, 32767, -32768]);
  });

  it('round-trips every Int16 value through float', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    const back = floatToPcm16(pcm16ToFloat(all));
    expect(Buffer.from(back.buffer).equals(Buffer.from(all.buffer))).toBe(true);
    const floats = pcm16ToFloat(all);
    expect(Math.min(...floats.subarray(0, 10))).toBe(-1);
    expect(floats[floats.length - 1]).toBe(1);
  });

  it('round-trips float within one quantisation step', () => {
    const input = sine(24_000, 440, 2400, 0.9);
    const back = pcm16ToFloat(floatToPcm16(input));
    for (let i = 0; i < input.length; i++) expect(Math.abs(back[i]! - input[i]!)).toBeLessThanOrEqual(1 / 32767);
  });

  it('writes little-endian bytes and reads them back', () => {
    const pcm = Int16Array.from([1, -2, 0x1234, -32768, 32767]);
    const bytes = pcm16ToBytes(pcm);
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]);
    expect(bytesToPcm16(bytes)).toEqual(pcm);
    // A view at an odd offset (unaligned for Int16Array) and a trailing odd byte.
    const padded = new Uint8Array(bytes.length + 2);
    padded.set(bytes, 1);
    expect(bytesToPcm16(padded.subarray(1, 1 + bytes.length + 1))).toEqual(pcm);
  });
});

describe('base64', () => {
  it('matches Node for small and odd-length inputs', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256, 1000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      const encoded = encodeBase64(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(encoded)).toEqual(bytes);
    }
  });

  it('encodes and decodes 1 MB without blowing the stack', () => {
    const bytes = new Uint8Array(1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    const encoded = encodeBase64(bytes);
    expect(encoded.length).toBe(Math.ceil(bytes.length / 3) * 4);
    expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
    // Buffer.equals rather than toEqual: a deep diff of 1 M elements takes seconds.
    expect(Buffer.from(decodeBase64(encoded)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('accepts URL-safe base64 and whitespace', () => {
    const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x00]);
    expect(decodeBase64(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
    expect(decodeBase64('+/+/\nAA==')).toEqual(Uint8Array.from([0xfb, 0xff, 0xbf, 0x00]));
  });

  it('round-trips PCM16 samples as the wire carries them', () => {
    const pcm = floatToPcm16(sine(24_000, 220, 960));
    const encoded = encodePcm16Base64(pcm);
    expect(Buffer.from(encoded, 'base64').readInt16LE(2)).toBe(pcm[1]);
    expect(decodePcm16Base64(encoded)).toEqual(pcm);
  });
});

describe('rmsLevel', () => {
  it('is 0 for silence and empty chunks, 1 for a full-scale square, ≈ A/√2 for a sine', () => {
    expect(rmsLevel(new Float32Array(0))).toBe(0);
    expect(rmsLevel(new Float32Array(480))).toBe(0);
    expect(rmsLevel(Float32Array.from({ length: 480 }, (_, i) => (i % 2 ? 1 : -1)))).toBeCloseTo(1, 6);
    expect(rmsLevel(sine(24_000, 1000, 2400, 0.5))).toBeCloseTo(0.5 / Math.SQRT2, 3);
  });

  it('scales Int16 chunks to full scale', () => {
    expect(rmsLevel(Int16Array.from({ length: 480 }, (_, i) => (i % 2 ? 32767 : -32768)))).toBeCloseTo(1, 3);
    expect(rmsLevel(floatToPcm16(sine(24_000, 1000, 2400, 0.5)))).toBeCloseTo(0.5 / Math.SQRT2, 3);
  });
});

describe('createResampler', () => {
  it('passes 24 kHz through unchanged (as a copy)', () => {
    const r = createResampler(24_000);
    const input = sine(24_000, 440, 960);
    const out = r.process(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it('48 kHz → 24 kHz halves the length, with a lag of at most a couple of samples', () => {
    const r = createResampler(48_000);
    let total = 0;
    for (let i = 0; i < 25; i++) total += r.process(sine(48_000, 440, 1920, 0.5, 0)).length; // 25 × 40 ms = 1 s
    expect(total).toBeLessThanOrEqual(24_000);
    expect(total).toBeGreaterThanOrEqual(23_998);
  });

  it('gives the same output whatever the chunking (state carries across chunks)', () => {
    const input = sine(48_000, 440, 48_000, 0.6);
    const whole = createResampler(48_000).process(input);
    const chunked = createResampler(48_000);
    const parts: Float32Array[] = [];
    const sizes = [1, 127, 128, 1920, 3, 4410, 1919, 5000];
    for (let at = 0, k = 0; at < input.length; k++) {
      const size = sizes[k % sizes.length]!;
      parts.push(chunked.process(input.subarray(at, at + size)));
      at += size;
    }
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(joined.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(joined[i]).toBeCloseTo(whole[i]!, 6);
  });

  it('keeps a speech-band tone continuous and at its amplitude (48 kHz and 44.1 kHz)', () => {
    for (const rate of [48_000, 44_100]) {
      const r = createResampler(rate);
      const chunk = Math.round(rate * 0.04);
      const input = sine(rate, 440, rate, 0.5);
      const out: number[] = [];
      for (let at = 0; at < input.length; at += chunk) out.push(...r.process(input.subarray(at, at + chunk)));
      // Compare with the ideal 24 kHz tone, skipping the first few samples (edge of the window).
      const ideal = sine(24_000, 440, out.length, 0.5);
      let maxError = 0;
      for (let i = 4; i < out.length; i++) maxError = Math.max(maxError, Math.abs(out[i]! - ideal[i]!));
      expect(maxError).toBeLessThan(0.02);
      // No jumps at chunk boundaries: consecutive samples of a 440 Hz tone differ by at most 2πf/24k × A.
      let maxStep = 0;
      for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
      expect(maxStep).toBeLessThan((2 * Math.PI * 440 * 0.5) / 24_000 + 0.01);
    }
  });

  it('attenuates content above the new Nyquist frequency when downsampling', () => {
    const r = createResampler(48_000);
    const out = r.process(sine(48_000, 20_000, 48_000, 0.5));
    expect(rmsLevel(out.subarray(10))).toBeLessThan(0.5 / Math.SQRT2 / 3);
  });

  it('upsamples 16 kHz → 24 kHz by linear interpolation', () => {
    const r = createResampler(16_000);
    const out = r.process(Float32Array.from([0, 0.3, 0.6, 0.9, 0.6]));
    // Output positions 0, 2/3, 4/3, 2, 8/3, 10/3 of the input grid; 4 waits for the next input sample.
    expect(Array.from(out).map((v) => Number(v.toFixed(4)))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 0.8]);
  });

  it('reset starts a fresh stream', () => {
    const r = createResampler(48_000);
    const first = r.process(sine(48_000, 440, 1920));
    r.reset();
    expect(r.process(sine(48_000, 440, 1920))).toEqual(first);
  });

  it('rejects non-positive rates', () => {
    expect(() => createResampler(0)).toThrow(RangeError);
  });
});

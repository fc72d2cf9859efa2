import { describe, expect, it } from 'vitest';
import { concatPcm, encodeWav, MAX_WAV_BYTES, pcmDurationMs, wavBlob, WAV_HEADER_BYTES } from '../../../../src/lib/voice-agent/fallback/wav';

const text = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

describe('wav', () => {
  it('writes a canonical 16-bit mono PCM header and little-endian samples', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    const bytes = encodeWav(pcm, 16_000);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(WAV_HEADER_BYTES + 10);
    expect(text(bytes, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(36 + 10);
    expect(text(bytes, 8, 16)).toBe('WAVEfmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(1); // mono
    expect(view.getUint32(24, true)).toBe(16_000);
    expect(view.getUint32(28, true)).toBe(32_000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(text(bytes, 36, 40)).toBe('data');
    expect(view.getUint32(40, true)).toBe(10);
    expect([0, 1, 2, 3, 4].map((i) => view.getInt16(44 + i * 2, true))).toEqual([0, 1, -1, 32767, -32768]);
  });

  it('keeps 60 s of speech far below the upload limit, as an audio/wav blob', async () => {
    const minute = new Int16Array(16_000 * 60);
    const blob = wavBlob(minute, 16_000);
    expect(blob.type).toBe('audio/wav');
    expect(blob.size).toBe(WAV_HEADER_BYTES + minute.length * 2);
    expect(blob.size).toBeLessThan(MAX_WAV_BYTES / 5);
    expect(pcmDurationMs(minute.length, 16_000)).toBe(60_000);
    expect(text(new Uint8Array(await blob.arrayBuffer()), 0, 4)).toBe('RIFF');
  });

  it('refuses a nonsense rate and joins chunks in order', () => {
    expect(() => encodeWav(new Int16Array(1), 0)).toThrow(RangeError);
    expect([...concatPcm([Int16Array.from([1, 2]), new Int16Array(0), Int16Array.from([3])])]).toEqual([1, 2, 3]);
  });
});

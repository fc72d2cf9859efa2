/**
 * A spoken WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`), made with the
 * system's espeak-ng: leading silence, the phrase, trailing silence (Chromium loops the file, so the
 * silence is what lets the emulator's voice detection hear a turn end). 48 kHz mono 16-bit, the format
 * Chromium's fake device reads without resampling surprises.
 *
 * espeak-ng missing: browser voice tests skip locally with a visible reason and fail under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ESPEAK = '/usr/bin/espeak-ng';
export const haveEspeak = existsSync(ESPEAK);
export const espeakSkipNote = haveEspeak ? '' : ' [SKIPPED: espeak-ng missing; apt-get install espeak-ng]';
if (!haveEspeak && process.env.CI === 'true') throw new Error('CI=true and espeak-ng is missing: voice tests must not be skipped in CI');

const RATE = 48_000;

/** Path of a WAV saying `phrase` between `leadSeconds` and `tailSeconds` of silence (cached per phrase). */
export function speechWav(phrase: string, { leadSeconds = 0.6, tailSeconds = 2.5 } = {}): string {
  const dir = join(tmpdir(), 'voice-coach-test-audio');
  mkdirSync(dir, { recursive: true });
  const name = `${Buffer.from(`${phrase}|${leadSeconds}|${tailSeconds}`).toString('base64url').slice(0, 80)}.wav`;
  const out = join(dir, name);
  if (existsSync(out)) return out;
  const raw = join(dir, `${name}.espeak.wav`);
  execFileSync(ESPEAK, ['-v', 'en-us', '-s', '150', '-a', '180', '-w', raw, phrase]);
  const speech = resample(readPcm16(readFileSync(raw)));
  const silence = (seconds: number) => new Int16Array(Math.round(seconds * RATE));
  writeFileSync(out, pcmWav(concat([silence(leadSeconds), speech, silence(tailSeconds)])));
  return out;
}

/** 10 s of digital silence: a microphone that never triggers the emulator's voice detection. */
export function silentWav(): string {
  const dir = join(tmpdir(), 'voice-coach-test-audio');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'silence-10s.wav');
  if (!existsSync(out)) writeFileSync(out, pcmWav(new Int16Array(RATE * 10)));
  return out;
}

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readPcm16(file: Buffer): Pcm {
  let offset = 12;
  let rate = 22_050;
  let channels = 1;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      channels = file.readUInt16LE(offset + 10);
      rate = file.readUInt32LE(offset + 12);
    }
    if (id === 'data') {
      // espeak-ng writes a streaming header (size 0 or 0xffffffff): take the rest of the file then.
      const end = size === 0 || size === 0xffffffff ? file.length : Math.min(file.length, offset + 8 + size);
      const bytes = file.subarray(offset + 8, end - ((end - offset - 8) % (2 * channels)));
      const all = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      const mono = channels === 1 ? all : all.filter((_, i) => i % channels === 0);
      return { rate, samples: mono };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('espeak-ng output has no data chunk');
}

function resample({ rate, samples }: Pcm): Int16Array {
  const out = new Int16Array(Math.floor((samples.length * RATE) / rate));
  for (let i = 0; i < out.length; i++) {
    const x = (i * rate) / RATE;
    const j = Math.floor(x);
    const frac = x - j;
    const a = samples[j] ?? 0;
    const b = samples[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** 16-bit mono PCM as a WAV file. */
export function pcmWav(samples: Int16Array, rate: number = RATE): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

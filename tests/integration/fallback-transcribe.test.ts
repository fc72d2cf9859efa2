/**
 * POST /api/voice-agent/transcribe on the built server, against the OpenAI emulator's speech-to-text:
 * real WAV uploads (spoken by espeak-ng where installed, else generated), scripted transcripts, and
 * every refusal the doc names (415, 413 payload/duration, 400) — none of which reaches OpenAI.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { expectError, issueToken, metricValue, postAudio, wav } from '../helpers/fallback';
import { haveEspeak, speechWav } from '../helpers/speech-wav';

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: STANDARD_KEY, ...LOOSE_LIMITS }));
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});

async function fallbackServer(env: Record<string, string> = {}): Promise<{ s: AppServer; token: string }> {
  const s = await fixture.server(env);
  const session = await issueToken(s);
  expect(session.mode).toBe('fallback');
  return { s, token: session.token };
}

describe('transcribe', () => {
  it('turns a spoken WAV into the text OpenAI returns, with its duration; counted and logged without the text', async () => {
    emu.setTranscripts(['I want to rehearse my budget defence for the AI programme.']);
    const { s, token } = await fallbackServer();
    const audio = haveEspeak ? readFileSync(speechWav('I want to rehearse my budget defence.', { leadSeconds: 0.2, tailSeconds: 0.3 })) : wav(2.5);
    const res = await postAudio(s, token, audio, { language: 'en' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.text).toBe('I want to rehearse my budget defence for the AI programme.');
    const samples = (audio.length - 44) / 2;
    const rate = audio.readUInt32LE(24);
    expect(body.durationMs).toBeCloseTo((samples / rate) * 1000, -1);

    // OpenAI received the audio as a .wav file (it decides the format by the extension).
    const sent = emu.stats().lastRequest['audio.transcriptions'];
    expect(String(sent.body)).toMatch(/filename="[^"]+\.wav"/);

    const log = await s.waitForLog((l) => l.event === 'transcribed');
    expect(log).toMatchObject({ audioMs: body.durationMs, bytes: audio.length });
    expect(s.output()).not.toContain('budget defence');
    expect(await metricValue(s, /^voice_agent_transcribed_audio_seconds_total (\S+)$/m)).toBeCloseTo(body.durationMs / 1000, 2);
    expect(await metricValue(s, /voice_agent_upstream_request_seconds_count\{operation="transcription",outcome="ok"\} (\d+)/)).toBe(1);
  });

  it('answers "" for silence, and accepts a part without a declared type when the bytes are WAV', async () => {
    const { s, token } = await fallbackServer();
    const silent = await postAudio(s, token, wav(1, { silent: true }));
    expect(await silent.json()).toEqual({ text: '', durationMs: 1000 });
    const untyped = await postAudio(s, token, wav(0.5), { type: 'application/octet-stream', filename: 'blob' });
    expect(untyped.status).toBe(200);
    expect((await untyped.json()).durationMs).toBe(500);
  });

  it('415 for a non-multipart body or a file that is not supported audio', async () => {
    const { s, token } = await fallbackServer();
    const json = await s.fetch('/api/voice-agent/transcribe', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ audio: 'UklGRg==' }),
    });
    await expectError(json, 415, 'unsupported_media_type');
    await expectError(await postAudio(s, token, Buffer.from('just some notes'), { type: 'text/plain', filename: 'notes.txt' }), 415, 'unsupported_media_type');
    // Declared as audio, but the bytes are not audio we know.
    await expectError(await postAudio(s, token, Buffer.from('%PDF-1.7 not audio at all'), { type: 'audio/wav' }), 415, 'unsupported_media_type');
    // Declared as MP3, but the bytes are WAV: the declared type and the content must agree.
    const mismatch = await postAudio(s, token, wav(1), { type: 'audio/mpeg', filename: 'turn.mp3' });
    const body = await expectError(mismatch, 415, 'unsupported_media_type');
    expect(body.error.message).toContain('WAV');
    expect(calls(emu, 'audio.transcriptions')).toBe(0);
  });

  it('413 payload_too_large above 10 MB, announced or not', async () => {
    const { s, token } = await fallbackServer();
    const big = Buffer.concat([wav(1), Buffer.alloc(10 * 1024 * 1024)]);
    const res = await postAudio(s, token, big);
    const body = await expectError(res, 413, 'payload_too_large');
    expect(body.error.message).toContain('10 MB');
    // Streamed without a Content-Length: counted while reading.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(big)], { type: 'audio/wav' }), 'turn.wav');
    const encoded = new Response(form);
    const chunks = encoded.body!;
    const streamed = await s.fetch('/api/voice-agent/transcribe', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': encoded.headers.get('content-type')! },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    await expectError(streamed, 413, 'payload_too_large');
    expect(calls(emu, 'audio.transcriptions')).toBe(0);
  });

  it('413 audio_too_long above 60 s of audio (read from the file, not guessed from its size)', async () => {
    const { s, token } = await fallbackServer();
    // 61 s at 8 kHz is under 1 MB: only the duration can refuse it.
    const long = wav(61, { rate: 8_000 });
    expect(long.length).toBeLessThan(1024 * 1024);
    const body = await expectError(await postAudio(s, token, long), 413, 'audio_too_long');
    expect(body.error.message).toContain('60 s');
    expect((await postAudio(s, token, wav(59, { rate: 8_000 }))).status).toBe(200);
    expect(calls(emu, 'audio.transcriptions')).toBe(1);
  });

  it('400 invalid_audio without a file part, for an empty file, or when the duration cannot be read', async () => {
    const { s, token } = await fallbackServer();
    const noFile = new FormData();
    noFile.append('language', 'en');
    const res = await s.fetch('/api/voice-agent/transcribe', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: noFile });
    await expectError(res, 400, 'invalid_audio');
    await expectError(await postAudio(s, token, Buffer.alloc(0)), 400, 'invalid_audio');
    // A WAV header announcing two seconds with no samples after it.
    const headerOnly = wav(2).subarray(0, 44);
    await expectError(await postAudio(s, token, headerOnly), 400, 'invalid_audio');
    await expectError(await postAudio(s, token, wav(1), { language: 'english' }), 400, 'invalid_request');
    expect(calls(emu, 'audio.transcriptions')).toBe(0);
  });

  it('upstream failures become plain-words 502/503 errors, never a 500 or a stack trace', async () => {
    const { s, token } = await fallbackServer();
    emu.setFaults({ route: 'audio.transcriptions', status: 503, times: 1 });
    const down = await postAudio(s, token, wav(1));
    expect(down.headers.get('retry-after')).toBe('5');
    const body = await expectError(down, 503, 'upstream_unavailable');
    expect(body.error.message).toBe('OpenAI reported a temporary error. Please try again shortly.');
    emu.setFaults({ route: 'audio.transcriptions', status: 429, code: 'insufficient_quota', times: 1 });
    const quota = await expectError(await postAudio(s, token, wav(1)), 502, 'upstream_error');
    expect(quota.error.message).toContain('quota');
    await s.waitForLog((l) => l.event === 'apiError' && l.service === 'openai.transcription');
    expect(s.output()).not.toMatch(/\n\s+at /);
    expect(s.output()).not.toContain(STANDARD_KEY);
  });

  it('uses OPENAI_TRANSCRIBE_MODEL: a model OpenAI does not know is named in a 502', async () => {
    const { s, token } = await fallbackServer({ OPENAI_TRANSCRIBE_MODEL: 'whisper-9' });
    const body = await expectError(await postAudio(s, token, wav(1)), 502, 'upstream_error');
    expect(body.error.message).toContain('whisper-9');
  });
});

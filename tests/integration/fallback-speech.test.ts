/**
 * POST /api/voice-agent/speech on the built server against the emulator's text-to-speech: raw 24 kHz
 * PCM streamed through with the right type, the configured model and voice, validation, and upstream
 * failures as plain JSON errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { expectError, issueToken, metricValue, postSpeech } from '../helpers/fallback';

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: STANDARD_KEY, ...LOOSE_LIMITS }));
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});

const SENTENCE = 'Start with the decision you need from the board. Then show the risk you are managing.';

async function fallbackServer(env: Record<string, string> = {}): Promise<{ s: AppServer; token: string }> {
  const s = await fixture.server(env);
  const session = await issueToken(s);
  expect(session.mode).toBe('fallback');
  return { s, token: session.token };
}

describe('speech', () => {
  it('streams raw 16-bit PCM at 24 kHz for the sentence, from the configured model and voice', async () => {
    emu.setFallbackConfig({ speechEngine: 'tone' }); // exactly 60 ms per character: the length is predictable
    const { s, token } = await fallbackServer();
    const res = await postSpeech(s, token, { text: `  ${SENTENCE}\n` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/pcm;rate=24000;channels=1');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const pcm = Buffer.from(await res.arrayBuffer());
    expect(pcm.length % 2).toBe(0);
    const seconds = pcm.length / 2 / 24_000;
    expect(seconds).toBeCloseTo(SENTENCE.length * 0.06, 0);
    // Not silence: real samples.
    let peak = 0;
    for (let i = 0; i < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    expect(peak).toBeGreaterThan(1000);

    const sent = emu.stats().lastRequest['audio.speech'].body;
    expect(sent).toEqual({ model: 'gpt-4o-mini-tts', voice: 'marin', input: SENTENCE, response_format: 'pcm' });
    const log = await s.waitForLog((l) => l.event === 'speechSynthesized');
    expect(log).toMatchObject({ chars: SENTENCE.length, bytes: pcm.length });
    expect(await metricValue(s, /^voice_agent_synthesized_characters_total (\d+)$/m)).toBe(SENTENCE.length);
    expect(await metricValue(s, /voice_agent_upstream_request_seconds_count\{operation="speech",outcome="ok"\} (\d+)/)).toBe(1);
    expect(s.output()).not.toContain('decision you need');
    expect(s.output()).not.toContain(token);
  });

  it('uses OPENAI_TTS_MODEL and OPENAI_TTS_VOICE', async () => {
    const { s, token } = await fallbackServer({ OPENAI_TTS_MODEL: 'tts-1', OPENAI_TTS_VOICE: 'onyx' });
    const res = await postSpeech(s, token, { text: 'Hello.' });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(emu.stats().lastRequest['audio.speech'].body).toMatchObject({ model: 'tts-1', voice: 'onyx' });
  });

  it('400 for empty or over-long text, 415 for non-JSON; none reaches OpenAI', async () => {
    const { s, token } = await fallbackServer();
    expect((await expectError(await postSpeech(s, token, { text: ' \n ' }), 400, 'invalid_request')).error.message).toMatch(/empty/);
    expect((await expectError(await postSpeech(s, token, { text: 'x'.repeat(1001) }), 400, 'invalid_request')).error.message).toMatch(/1000/);
    await expectError(await postSpeech(s, token, { text: 'Hi.', voice: 'alloy' }), 400, 'invalid_request');
    const plain = await s.fetch('/api/voice-agent/speech', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' }, body: 'Hi.' });
    await expectError(plain, 415, 'unsupported_media_type');
    expect(calls(emu, 'audio.speech')).toBe(0);
  });

  it('upstream failures are plain JSON errors before any audio', async () => {
    const { s, token } = await fallbackServer({ UPSTREAM_TIMEOUT_MS: '500' });
    emu.setFaults({ route: 'audio.speech', hang: true, times: 1 });
    const slow = await postSpeech(s, token, { text: 'Hello.' });
    expect(slow.headers.get('content-type')).toContain('application/json');
    const body = await expectError(slow, 503, 'upstream_unavailable');
    expect(body.error.message).toBe('OpenAI did not answer in time. Please try again shortly.');
    emu.setFaults({ route: 'audio.speech', status: 403, times: 1 });
    const blocked = await expectError(await postSpeech(s, token, { text: 'Hello.' }), 502, 'upstream_error');
    expect(blocked.error.message).toContain('region');
  });
});

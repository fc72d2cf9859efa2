/**
 * A metered fallback session (issue 8): the server bounds chat + speech sessions too, whether they started in
 * fallback mode (a key without realtime access) or switched to it from live voice. The fallback coach follows
 * the server's meter and, when the server ends the session — a poll says so, or an endpoint or the
 * credential's refresh answers 403 `session_ended` — closes like the live voice session does: status
 * `ended` with the server's words and `serverEnded`, the microphone off, every request stopped, the
 * transcript kept (the console then grades and saves it). The meter is a fake here (its polling is tested
 * in session-meter.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpeechAudio } from '../../../../src/lib/voice-agent/fallback/fallback-api';
import type { ServerEnded } from '../../../../src/lib/voice-agent/metering/meter-view';
import type { SessionMeterOptions } from '../../../../src/lib/voice-agent/metering/session-meter';
import type { Credential } from '../../../../src/lib/voice-agent/session/token-manager';
import type { ApiFailure } from '../../../../src/lib/voice-agent/types/api';
import { setup, settle, started } from './fallback-session-rig';
import { credential, fail, fakeTokens, ok } from './fallback-test-support';

const ENDED: ServerEnded = { reason: 'session_minutes', message: 'This session reached its 30-minute limit.' };
/** What the fallback endpoints answer once the server closed the session (the body's `reason` kept). */
const REFUSED: ApiFailure & { reason: string } = { kind: 'http', status: 403, code: 'session_ended', message: 'This session reached its 30-minute limit.', reason: 'session_minutes' };
/** A fallback session's meter: time only (its spend is not priced), so no cost and no voice minutes. */
const TIME_ONLY = { inputTokens: 0, outputTokens: 0, endsAtLocal: Date.now() + 60_000, limit: 'session_minutes' as const, limitMs: 1_800_000, warningSeconds: 60 };

const metered = (n: number, overrides: Partial<Credential> = {}) => credential(n, { metered: true, ...overrides });

/** A fake meter: each start is recorded (the test pushes views and ends through its hooks); stops counted. */
function fakeMeter() {
  const state = { started: [] as SessionMeterOptions[], stopped: 0, checks: 0 };
  const loadMeter = vi.fn(async () => (options: SessionMeterOptions) => {
    state.started.push(options);
    return { check: async () => (state.checks++, undefined), stop: () => void state.stopped++ };
  });
  return { state, loadMeter };
}

function meteredSetup(tokens = fakeTokens({ acquire: () => metered(1) })) {
  const meter = fakeMeter();
  return { ...setup({ tokens, deps: { loadMeter: meter.loadMeter } }), meter };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('FallbackSession, metered by the server', () => {
  it('follows the meter from the first credential and shows what it reports', async () => {
    const s = meteredSetup();
    await started(s);
    expect(s.meter.state.started.map((o) => o.sessionId)).toEqual(['session-1']);
    s.meter.state.started[0]!.onView(TIME_ONLY);
    expect(s.snap().meter).toEqual(TIME_ONLY);
    expect(s.snap().status).toBe('connected');
  });

  it('a poll that finds the session ended closes it at once, mid-reply, keeping the transcript', async () => {
    const s = meteredSetup();
    await started(s);
    s.transcripts.push(ok({ text: 'How do I open the negotiation?' }));
    await s.say();
    s.chats[0]!.emit({ type: 'delta', text: 'Start with the value you bring. ' });
    await settle();
    s.meter.state.started[0]!.onEnded(ENDED);
    expect(s.snap()).toMatchObject({ status: 'ended', message: ENDED.message, serverEnded: ENDED, microphone: 'off', coachSpeaking: false, userSpeaking: false });
    expect(s.chats[0]!.signal?.aborted).toBe(true); // the reply's request is stopped
    // As on the user's own hang-up, the cut reply keeps what was heard (nothing yet) and is marked cut short.
    expect(s.turns()).toEqual([
      ['user', 'How do I open the negotiation?', 'done'],
      ['assistant', '', 'interrupted'],
    ]);
    expect(s.statuses).toEqual(['idle', 'connecting', 'connected', 'ended']);
    await settle();
    expect(s.meter.state.stopped).toBe(1);
    // Nothing more is sent: the microphone is closed and typing is refused.
    expect(s.session.sendText('One more thing')).toBe(false);
    await s.say();
    expect(s.api.transcribe).toHaveBeenCalledTimes(1);

    // The console wraps it up with the user's own hang-up: the reason stays on the status line.
    await s.session.hangUp({ endOnServer: false });
    expect(s.snap()).toMatchObject({ status: 'ended', message: ENDED.message, serverEnded: ENDED });
    expect(s.telemetry.record).toHaveBeenCalledWith(expect.objectContaining({ type: 'summary', turns: 2 }));
    // A new conversation starts clean.
    s.session.start();
    await settle();
    expect(s.snap()).toMatchObject({ status: 'connected', serverEnded: undefined, meter: undefined });
  });

  it('a /transcribe refused with 403 session_ended ends the session gracefully (not "wrong mode"), with the reason', async () => {
    const s = meteredSetup();
    await started(s);
    s.session.sendText('Earlier question.');
    await settle();
    await s.reply(s.chats[0]!, 'Earlier answer.');
    await settle(2_000);
    s.transcripts.push(fail(REFUSED));
    await s.say();
    expect(s.snap()).toMatchObject({ status: 'ended', message: REFUSED.message, serverEnded: { reason: 'session_minutes', message: REFUSED.message }, microphone: 'off' });
    expect(s.snap().message).not.toMatch(/cannot use the fallback coach/);
    expect(s.turns().slice(0, 2)).toEqual([
      ['user', 'Earlier question.', 'done'],
      ['assistant', 'Earlier answer.', 'done'],
    ]);
    expect(s.api.transcribe).toHaveBeenCalledTimes(1); // not retried, no renewal
    expect(s.tokens.renew).not.toHaveBeenCalled();
    expect(s.meter.state.stopped).toBe(1);
  });

  it('a /speech refused with session_ended ends the session instead of skipping the sentence', async () => {
    const s = meteredSetup();
    await started(s);
    s.api.fetchSpeech = vi.fn(async () => fail<SpeechAudio>(REFUSED));
    s.session.sendText('Question');
    await settle();
    await s.reply(s.chats[0]!, 'First sentence. ', 'Second sentence.');
    await settle(100);
    expect(s.snap()).toMatchObject({ status: 'ended', serverEnded: { message: REFUSED.message } });
    expect(s.snap().message).toBe(REFUSED.message); // not "Part of the reply could not be spoken"
    expect(s.api.fetchSpeech).toHaveBeenCalledTimes(1); // the next sentence is not asked for
    expect(s.turns()).toEqual([
      ['user', 'Question', 'done'],
      ['assistant', '', 'interrupted'],
    ]);
  });

  it('a /chat refused with session_ended ends the session', async () => {
    const s = meteredSetup();
    await started(s);
    s.session.sendText('Question');
    await settle();
    s.chats[0]!.finish(fail({ kind: 'http', status: 403, code: 'session_ended', message: 'An administrator ended this session.' }));
    await settle();
    expect(s.snap()).toMatchObject({ status: 'ended', serverEnded: { message: 'An administrator ended this session.' } });
    expect(s.snap().serverEnded).not.toHaveProperty('reason');
  });

  it('a credential refresh refused with session_ended ends the session before any request goes out', async () => {
    const s = meteredSetup();
    await started(s);
    s.tokens.acquire.mockResolvedValueOnce(fail({ kind: 'http', status: 403, code: 'session_ended', message: 'This session has ended.' }));
    s.session.sendText('Question');
    await settle();
    expect(s.api.streamChat).not.toHaveBeenCalled();
    expect(s.snap()).toMatchObject({ status: 'ended', serverEnded: { message: 'This session has ended.' } });
  });

  it('a switch from live voice the server had already ended closes gracefully instead of failing', async () => {
    const tokens = fakeTokens({ acquire: () => metered(1, { mode: 'realtime' }) });
    tokens.switchToFallback.mockResolvedValueOnce(fail({ kind: 'http', status: 403, code: 'session_ended', message: 'This session reached its 30-minute limit.' }));
    const s = meteredSetup(tokens);
    s.session.start();
    await settle();
    expect(s.statuses).toEqual(['idle', 'connecting', 'ended']);
    expect(s.snap()).toMatchObject({ status: 'ended', serverEnded: { message: 'This session reached its 30-minute limit.' }, microphone: 'off' });
  });

  it('follows the new session when the token manager had to start one', async () => {
    const tokens = fakeTokens({ acquire: () => metered(1), renew: () => metered(7, { sessionId: 'session-2' }) });
    const s = meteredSetup(tokens);
    await started(s);
    s.transcripts.push(fail({ kind: 'http', status: 404, code: 'session_not_found', message: 'Session not found.' }));
    await s.say();
    expect(s.meter.state.started.map((o) => o.sessionId)).toEqual(['session-1', 'session-2']);
    expect(s.meter.state.stopped).toBe(1); // the old session's meter
  });

  it('stops the meter on hang-up and on dispose; an end reported after the hang-up changes nothing', async () => {
    const s = meteredSetup();
    await started(s);
    await s.session.hangUp();
    expect(s.meter.state.stopped).toBe(1);
    s.meter.state.started[0]!.onEnded(ENDED);
    expect(s.snap()).toMatchObject({ status: 'ended', message: 'Session ended.', serverEnded: undefined });

    const other = meteredSetup();
    await started(other);
    other.session.dispose();
    await settle();
    expect(other.meter.state.stopped).toBe(1);
  });

  it('still says "wrong mode" for a 403 that is not the server\'s end', async () => {
    const s = meteredSetup();
    await started(s);
    s.transcripts.push(fail({ kind: 'http', status: 403, code: 'wrong_mode', message: 'This token is for another mode.' }));
    await s.say();
    expect(s.snap()).toMatchObject({ status: 'failed', message: 'This session cannot use the fallback coach. Start again when ready.' });
    expect(s.snap().serverEnded).toBeUndefined();
  });
});

describe('FallbackSession, not metered', () => {
  it('never loads the meter', async () => {
    const s = meteredSetup(fakeTokens());
    await started(s);
    await s.say();
    expect(s.meter.loadMeter).not.toHaveBeenCalled();
    expect(s.snap().meter).toBeUndefined();
  });
});

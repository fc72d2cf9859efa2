/**
 * FallbackSession flows with every browser seam replaced (fallback-session-rig.ts: a fake audio clock under
 * the real PcmPlayer, a capture the test feeds 20 ms frames into, a scripted fallback API driven event by
 * event, fake tokens and telemetry). The real endpoints and a real microphone run in Chromium (tests/e2e).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TranscriptTurn } from '../../../../src/lib/voice-agent/realtime/transcript-state';
import type { ApiFailure } from '../../../../src/lib/voice-agent/types/api';
import { QUIET, VOICE, LOUD, DONE, setup, settle, started } from './fallback-session-rig';
import { credential, fail, fakeTokens, ok } from './fallback-test-support';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('FallbackSession', () => {
  it('connects, listens, and turns an utterance into a transcribed turn, a streamed reply and speech', async () => {
    const s = setup();
    await started(s);
    expect(s.statuses).toEqual(['idle', 'connecting', 'connected']);
    expect(s.snap()).toMatchObject({ mode: 'fallback', sessionId: 'session-1', microphone: 'live' });
    expect(s.telemetry.start).toHaveBeenCalledWith('session-1');

    s.transcripts.push(ok({ text: 'I need to ask my boss for a raise.' }));
    await s.hear(300, VOICE);
    expect(s.snap().userSpeaking).toBe(true);
    await s.hear(1_000, VOICE);
    await s.hear(800, QUIET);
    expect(s.snap().userSpeaking).toBe(false);
    expect(s.marks).toEqual(['coach:user-speech-end']);
    expect(s.turns()).toEqual([
      ['user', 'I need to ask my boss for a raise.', 'done'],
      ['assistant', '', 'pending'],
    ]);
    const call = s.chats[0]!;
    expect(call.messages).toEqual([{ role: 'user', content: 'I need to ask my boss for a raise.' }]);
    expect(call.token).toBe('fb_token_1');

    call.emit({ type: 'delta', text: 'Start with the value you bring. ' });
    await settle();
    expect(s.turns()[1]).toEqual(['assistant', 'Start with the value you bring.', 'streaming']);
    expect(s.spoken).toEqual([]); // the first sentence is complete only when the next one has begun
    call.emit({ type: 'delta', text: 'Then name a number' });
    await settle();
    expect(s.spoken).toEqual(['Start with the value you bring.']);
    call.emit({ type: 'delta', text: ' and stop talking.' });
    await settle();
    expect(s.turns()[1]).toEqual(['assistant', 'Start with the value you bring. Then name a number and stop talking.', 'streaming']);
    call.emit({ type: 'done', ...DONE });
    call.finish(ok(DONE));
    await settle(100);
    expect(s.snap().coachSpeaking).toBe(true);
    expect(s.marks).toEqual(['coach:user-speech-end', 'coach:first-audio']);
    expect(s.snap().medianLatencyMs).toBeGreaterThan(0);
    expect(s.telemetry.record).toHaveBeenCalledWith({ type: 'response_latency', ms: s.snap().medianLatencyMs });

    await settle(3_000);
    expect(s.spoken).toEqual(['Start with the value you bring.', 'Then name a number and stop talking.']);
    expect(s.snap().coachSpeaking).toBe(false);
    expect(s.turns()[1]).toEqual(['assistant', 'Start with the value you bring. Then name a number and stop talking.', 'done']);
    // Durations for the delivery signals: the user's speech as the voice detection measured it (1.3 s of
    // voice), the coach's two sentences of 1 s of audio each, played in full.
    expect(s.snap().turns[0]!.durationMs).toBeGreaterThanOrEqual(1_200);
    expect(s.snap().turns[0]!.durationMs).toBeLessThanOrEqual(1_320);
    expect(s.snap().turns[1]!.durationMs).toBe(2_000);
    expect(s.snap().usage).toMatchObject({ input: 200, output: 30, total: 230, inputText: 200, outputText: 30 });
    expect(s.telemetry.record).toHaveBeenCalledWith({ type: 'usage', inputTextTokens: 200, inputAudioTokens: 0, cachedTokens: 0, outputTextTokens: 30, outputAudioTokens: 0 });
    expect(s.session.transcriptAsText()).toBe('You: I need to ask my boss for a raise.\nCoach: Start with the value you bring. Then name a number and stop talking.');
  });

  it('sends the conversation carried in from live voice, and shows searches with their results', async () => {
    const s = setup();
    const before: TranscriptTurn[] = [
      { itemId: 'item_a', role: 'user', text: 'Let us practise negotiation.', status: 'done', source: 'voice' },
      { itemId: 'item_b', role: 'assistant', text: 'Great, what is the situation', status: 'streaming', source: 'voice' },
    ];
    await started(s, { turns: before, notice: 'Live voice dropped; continuing in fallback mode.' });
    expect(s.snap().notice).toBe('Live voice dropped; continuing in fallback mode.');
    expect(s.chats).toHaveLength(0); // nothing new to answer

    expect(s.session.sendText('  A salary talk next week.  ')).toBe(true);
    await settle();
    expect(s.chats[0]!.messages).toEqual([
      { role: 'user', content: 'Let us practise negotiation.' },
      { role: 'assistant', content: 'Great, what is the situation' },
      { role: 'user', content: 'A salary talk next week.' },
    ]);
    expect(s.snap().turns.at(-2)).toMatchObject({ role: 'user', source: 'text', status: 'done' });

    const result = { answer: 'Anchor high.', citations: [{ title: 'HBR', url: 'https://hbr.org/x' }], provider: 'openai' as const, cached: false, stale: false };
    s.chats[0]!.emit({ type: 'search', callId: 'c1', query: 'salary negotiation anchoring' });
    expect(s.snap().searches).toEqual([{ callId: 'c1', query: 'salary negotiation anchoring', status: 'searching' }]);
    s.chats[0]!.emit({ type: 'search_result', callId: 'c1', result });
    expect(s.snap().searches).toEqual([{ callId: 'c1', query: 'salary negotiation anchoring', status: 'done', result }]);
    await s.reply(s.chats[0]!, 'Research says: anchor high.');
    await settle(2_000);
    expect(s.turns().at(-1)).toEqual(['assistant', 'Research says: anchor high.', 'done']);
  });

  it('drops an empty transcript quietly and says it did not catch that', async () => {
    const s = setup();
    await started(s);
    s.transcripts.push(ok({ text: '  ' }));
    await s.say();
    expect(s.snap().turns).toEqual([]);
    expect(s.snap().message).toBe("I didn't catch that. Please say it again.");
    expect(s.chats).toHaveLength(0);
  });

  it('barge-in: talking over the coach stops it; the turn keeps only what was heard', async () => {
    const s = setup({ speechMs: 2_000 });
    await started(s);
    s.transcripts.push(ok({ text: 'How do I open the meeting?' }));
    await s.say();
    const call = s.chats[0]!;
    call.emit({ type: 'delta', text: 'Open with the decision you need from them today. ' });
    call.emit({ type: 'delta', text: 'Then give two clear options and a date for the answer. Finally' });
    await settle(50 + 2_000 + 300); // the first sentence played (2 s), 0.3 s of the second
    expect(s.snap().coachSpeaking).toBe(true);

    // The coach's own voice leaking into the microphone is not the user…
    await s.hear(400, -42);
    expect(s.snap().coachSpeaking).toBe(true);
    // …the user speaking up over it is.
    s.transcripts.push(ok({ text: 'Wait, what if they say no?' }));
    await s.hear(300, LOUD);
    expect(s.snap().coachSpeaking).toBe(false);
    expect(call.signal?.aborted).toBe(true);
    const coach = s.snap().turns[1]!;
    expect(coach.status).toBe('interrupted');
    // About half of the second sentence (0.3 + 0.4 + 0.28 s of 2 s) was heard: cut on a word, with "…".
    expect(coach.text).toMatch(/^Open with the decision you need from them today\. Then give two [a-z ]*[a-z]…$/);
    expect(coach.text.length).toBeLessThan('Open with the decision you need from them today. Then give two clear options and a date for the answer.'.length - 15);

    // Its duration is the voice the user heard: the first sentence (2 s) and the part of the second
    // played before the cut (0.3 + 0.4 + ~0.28 s).
    expect(coach.durationMs).toBeGreaterThanOrEqual(2_900);
    expect(coach.durationMs).toBeLessThanOrEqual(3_100);

    // The user's words go on to become the next question, with the cut reply in the history.
    await s.hear(700, LOUD);
    await s.hear(800, QUIET);
    expect(s.chats[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: coach.text },
      { role: 'user', content: 'Wait, what if they say no?' },
    ]);
  });

  it('the stop button interrupts a reply that has not spoken yet', async () => {
    const s = setup();
    await started(s);
    await s.say();
    s.chats[0]!.emit({ type: 'delta', text: 'Let me think about' });
    s.session.interrupt();
    await settle();
    expect(s.turns().at(-1)).toEqual(['assistant', '', 'interrupted']);
    expect(s.snap().turns.at(-1)!.durationMs).toBeUndefined(); // nothing was heard
    expect(s.session.transcriptAsText()).toBe('You: Something I said.\nCoach: (interrupted)');
    expect(s.session.sendText('Typed instead.')).toBe(true);
    expect(s.snap().turns.find((t) => t.text === 'Typed instead.')!.durationMs).toBeUndefined();
  });

  it('renews an expired token and retries the request once', async () => {
    const s = setup();
    await started(s);
    s.transcripts.push(fail({ kind: 'http', status: 401, code: 'token_expired', message: 'The token has expired.' }), ok({ text: 'Hello coach.' }));
    await s.say();
    expect(s.tokens.renew).toHaveBeenCalledTimes(1);
    expect(s.transcribeTokens).toEqual(['fb_token_1', 'fb_token_2']);
    expect(s.chats[0]!.token).toBe('fb_token_2');
    expect(s.turns()[0]).toEqual(['user', 'Hello coach.', 'done']);
  });

  it('rate-limited: shows the countdown with the server’s message, then carries on', async () => {
    const s = setup();
    await started(s);
    await s.say();
    const limited: ApiFailure = { kind: 'http', status: 429, code: 'rate_limited', message: 'You are sending messages faster than the coach can answer.', retryAfterSeconds: 3 };
    s.chats[0]!.finish(fail(limited));
    await settle();
    expect(s.snap()).toMatchObject({ status: 'waiting', message: limited.message });
    expect(s.snap().retryAt).toBe(Date.now() + 3_000);
    expect(s.snap().microphone).toBe('live'); // still listening meanwhile

    await settle(3_000);
    expect(s.snap().status).toBe('connected');
    expect(s.snap().retryAt).toBeUndefined();
    expect(s.chats).toHaveLength(2);
    await s.reply(s.chats[1]!, 'Here is my answer for you.');
    await settle(2_000);
    expect(s.turns().at(-1)).toEqual(['assistant', 'Here is my answer for you.', 'done']);
  });

  it('a network failure fails the turn with a clear message and keeps listening', async () => {
    const s = setup();
    await started(s);
    s.transcripts.push(fail({ kind: 'network', message: 'The server could not be reached' }));
    await s.say();
    expect(s.turns()).toEqual([['user', '', 'failed']]);
    expect(s.snap()).toMatchObject({ status: 'connected', microphone: 'live' });
    expect(s.snap().message).toMatch(/connection failed/);

    await s.say();
    expect(s.turns()).toEqual([
      ['user', '', 'failed'],
      ['user', 'Something I said.', 'done'],
      ['assistant', '', 'pending'],
    ]);
    expect(s.chats[0]!.messages).toEqual([{ role: 'user', content: 'Something I said.' }]);
  });

  it('follows the session id when the token manager had to start a new session', async () => {
    const tokens = fakeTokens({ renew: () => credential(7, { sessionId: 'session-2' }) });
    const s = setup({ tokens });
    await started(s);
    s.transcripts.push(fail({ kind: 'http', status: 404, code: 'session_not_found', message: 'Session not found.' }));
    await s.say();
    expect(s.snap().sessionId).toBe('session-2');
    expect(s.telemetry.start.mock.calls).toEqual([['session-1'], ['session-2']]);
  });

  it('types when the microphone is denied, with the same words as live voice', async () => {
    const denied = { ok: false as const, reason: 'denied' as const, message: 'Microphone access was blocked. Allow it in the address bar to talk, or type your answers below.' };
    const s = setup({ microphone: denied });
    s.session.start();
    await settle();
    expect(s.snap()).toMatchObject({ status: 'connected', microphone: 'denied', message: denied.message });
    expect(s.session.sendText('Typed question')).toBe(true);
    await settle();
    expect(s.chats).toHaveLength(1);
  });

  it('push-to-talk records only while held', async () => {
    const s = setup();
    await started(s);
    s.session.setPushToTalk(true);
    expect(s.snap()).toMatchObject({ pushToTalk: true, microphone: 'muted' });
    await s.hear(1_000, VOICE); // not held: nothing
    expect(s.api.transcribe).not.toHaveBeenCalled();
    s.session.holdToTalk(true);
    expect(s.snap()).toMatchObject({ microphone: 'live', userSpeaking: true });
    await s.hear(600, VOICE);
    s.session.holdToTalk(false);
    expect(s.marks).toEqual(['coach:user-speech-end']);
    await settle();
    expect(s.api.transcribe).toHaveBeenCalledTimes(1);
    expect(s.turns()[0]).toEqual(['user', 'Something I said.', 'done']);
    expect(s.snap().turns[0]!.durationMs).toBe(600); // as long as the button was held

    s.session.holdToTalk(true);
    s.session.holdToTalk(false); // a tap
    expect(s.snap().message).toBe('Hold the button while you speak, then let go.');
  });

  it('mute and offline pause the microphone; online resumes', async () => {
    const s = setup();
    await started(s);
    s.session.setMuted(true);
    expect(s.snap().microphone).toBe('muted');
    expect(s.session.microphoneLevel()).toBe(0);
    await s.say();
    expect(s.api.transcribe).not.toHaveBeenCalled();
    s.session.setMuted(false);
    expect(s.session.microphoneLevel()).toBe(0.4);

    s.session.setOnline(false);
    expect(s.snap()).toMatchObject({ status: 'offline', microphone: 'muted', message: 'You are offline. The microphone is paused until the connection is back.' });
    expect(s.session.sendText('hello')).toBe(false);
    await s.say();
    expect(s.api.transcribe).not.toHaveBeenCalled();
    s.session.setOnline(true);
    expect(s.snap()).toMatchObject({ status: 'connected', microphone: 'live' });
    await s.hear(300, QUIET);
    await s.say();
    expect(s.api.transcribe).toHaveBeenCalledTimes(1);
  });

  it('hangs up: reply stopped, summary sent, telemetry stopped, tokens cleared, server session ended', async () => {
    const s = setup();
    await started(s);
    await s.say();
    s.chats[0]!.emit({ type: 'delta', text: 'Half a thought' });
    await s.session.hangUp();
    expect(s.chats[0]!.signal?.aborted).toBe(true);
    expect(s.snap()).toMatchObject({ status: 'ended', message: 'Session ended.', microphone: 'off', coachSpeaking: false });
    expect(s.telemetry.record).toHaveBeenCalledWith(expect.objectContaining({ type: 'summary', turns: 2, userSpeechSeconds: 1 }));
    expect(s.telemetry.stop).toHaveBeenCalled();
    expect(s.tokens.clear).toHaveBeenCalled();
    expect(s.endSession).toHaveBeenCalledWith('session-1');

    const other = setup();
    await started(other);
    await other.session.hangUp({ endOnServer: false });
    expect(other.endSession).not.toHaveBeenCalled();
  });

  it('waits out a rate limit on the credential at start, and fails on a token for another mode', async () => {
    const tokens = fakeTokens();
    tokens.acquire.mockResolvedValueOnce(fail({ kind: 'http', status: 429, code: 'rate_limited', message: 'Too many sessions from this network.', retryAfterSeconds: 2 }));
    const s = setup({ tokens });
    s.session.start();
    await settle();
    expect(s.snap()).toMatchObject({ status: 'waiting', message: 'Too many sessions from this network.' });
    await settle(2_000);
    expect(s.statuses).toEqual(['idle', 'connecting', 'waiting', 'connecting', 'connected']);

    const demo = fakeTokens({ acquire: () => credential(1, { mode: 'demo' }) });
    const d = setup({ tokens: demo });
    d.session.start();
    await settle();
    expect(d.snap().status).toBe('failed');
  });
});

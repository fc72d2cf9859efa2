/**
 * The demo engine (`DemoSession`) with fake speech synthesis and recognition, a fake credential holder,
 * search client and telemetry (demo-session-rig.ts): typed turns, the recognition flow (interim → final), recognition errors
 * ending in typing, barge-in cutting the coach to what was heard, the text-only fallback when no voice
 * speaks, library searches in the snapshot, and the hang-up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LISTENER_MESSAGES } from '../../../../src/lib/voice-agent/demo/coach-listener';
import { DEMO_MESSAGES } from '../../../../src/lib/voice-agent/demo/demo-session';
import { FakeUtterance, FakeSynthesis, FakeRecognition, LIBRARY, setup, settle, last } from './demo-session-rig';

afterEach(() => {
  vi.useRealTimers();
});

describe('DemoSession', () => {
  it('starts with the coach speaking its opening, and answers typed turns', async () => {
    const { session, synthesis, telemetry } = setup();
    session.start();
    expect(session.getSnapshot().status).toBe('connecting');
    await settle();
    const snap = session.getSnapshot();
    expect(snap).toMatchObject({ status: 'connected', message: DEMO_MESSAGES.ready, mode: 'demo', sessionId: 'sess_demo', microphone: 'live' });
    expect(snap.warnings).toEqual(['No API key configured: demo mode.']);
    expect(telemetry.start).toHaveBeenCalledWith('sess_demo');
    expect(snap.turns).toHaveLength(1);
    expect(snap.turns[0]).toMatchObject({ role: 'assistant', status: 'pending', text: '' });

    synthesis.start();
    expect(session.getSnapshot().coachSpeaking).toBe(true);
    expect(session.getSnapshot().turns[0]).toMatchObject({ status: 'streaming' });
    expect(session.getSnapshot().turns[0]!.text).toBe(synthesis.current!.text); // the sentence being spoken is shown
    synthesis.end();
    synthesis.finishAll();
    const opening = session.getSnapshot().turns[0]!;
    expect(opening.status).toBe('done');
    expect(opening.text.endsWith('?')).toBe(true);
    expect(synthesis.spoken.length).toBeGreaterThan(1); // sentence by sentence
    expect(session.getSnapshot().coachSpeaking).toBe(false);

    expect(session.sendText('   ')).toBe(false);
    expect(session.sendText('We need a business case for AI in claims')).toBe(true);
    const turns = session.getSnapshot().turns;
    expect(turns[1]).toMatchObject({ role: 'user', text: 'We need a business case for AI in claims', status: 'done', source: 'text' });
    synthesis.finishAll();
    const reply = session.getSnapshot().turns[2]!;
    expect(reply).toMatchObject({ role: 'assistant', status: 'done' });
    expect(reply.text.endsWith('?')).toBe(true);
    expect(session.transcriptAsText()).toMatch(/^Coach: .+\nYou: We need a business case for AI in claims\nCoach: .+\?$/s);
    expect(session.getSnapshot().usage.total).toBe(0);
  });

  it('turns interim recognition into a pending user turn, and a final result into a turn and a reply', async () => {
    const { session, synthesis, recognition } = setup();
    session.start();
    await settle();
    synthesis.finishAll();
    expect(recognition).toMatchObject({ continuous: true, interimResults: true, lang: 'en-GB', running: true });

    recognition.onspeechstart?.({});
    expect(session.getSnapshot().userSpeaking).toBe(true);
    recognition.result('our pilots never', false);
    const pending = last(session.getSnapshot().turns);
    expect(pending).toMatchObject({ role: 'user', status: 'pending', text: 'our pilots never', source: 'voice' });
    recognition.result('our pilots never reach production', true);
    recognition.onspeechend?.({});
    const turns = session.getSnapshot().turns;
    expect(turns.filter((t) => t.role === 'user')).toHaveLength(1);
    expect(turns[1]).toMatchObject({ itemId: pending.itemId, status: 'done', text: 'our pilots never reach production' });
    synthesis.finishAll();
    expect(last(session.getSnapshot().turns).text).toMatch(/pilot/i);
    expect(session.getSnapshot().userSpeaking).toBe(false);
  });

  it('ends recognition errors in a clear message and typing, without restarting', async () => {
    const { session, recognition, synthesis } = setup();
    session.start();
    await settle();
    synthesis.finishAll();
    recognition.error('not-allowed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recognition.starts).toBe(1);
    expect(session.getSnapshot()).toMatchObject({ microphone: 'denied', message: LISTENER_MESSAGES.denied });
    expect(session.sendText('We need an AI strategy')).toBe(true);
    synthesis.finishAll();
    expect(last(session.getSnapshot().turns).role).toBe('assistant');
  });

  it.each([
    ['network', LISTENER_MESSAGES.network, 'unavailable'],
    ['audio-capture', LISTENER_MESSAGES.noMicrophone, 'unavailable'],
    ['service-not-allowed', LISTENER_MESSAGES.notAllowed, 'denied'],
  ])('recognition error %s → typing', async (code, message, microphone) => {
    const { session, recognition } = setup();
    session.start();
    await settle();
    recognition.error(code);
    expect(session.getSnapshot()).toMatchObject({ microphone, message });
  });

  it('restarts quietly after no-speech, but gives up on a recognition that keeps ending', async () => {
    vi.useFakeTimers();
    const { session, recognition, synthesis } = setup();
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    synthesis.finishAll(); // the voice works: only recognition is under test
    recognition.error('no-speech');
    await vi.advanceTimersByTimeAsync(300);
    expect(recognition.starts).toBe(2);
    expect(session.getSnapshot().message).toBe(DEMO_MESSAGES.ready);
    for (let i = 0; i < 6; i++) {
      recognition.end();
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(recognition.starts).toBeLessThanOrEqual(7);
    expect(session.getSnapshot()).toMatchObject({ microphone: 'unavailable', message: LISTENER_MESSAGES.keepsStopping });
  });

  it('without speech recognition, says so and takes typing', async () => {
    const synthesis = new FakeSynthesis();
    const { session } = setup({ speech: { synthesis, createUtterance: (text) => new FakeUtterance(text) } });
    session.start();
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'connected', microphone: 'unavailable', message: LISTENER_MESSAGES.missing });
    expect(session.sendText('hello')).toBe(true);
  });

  it('cuts the coach when the user speaks over it, keeping only what was heard', async () => {
    const { session, synthesis, recognition } = setup();
    session.start();
    await settle();
    synthesis.finishAll();
    session.sendText('We need an AI strategy for the group');
    const first = synthesis.current!.text;
    synthesis.start();
    synthesis.end(); // first sentence heard in full
    const second = synthesis.current!.text;
    synthesis.start();
    const wordAt = second.indexOf(' ') + 1; // the second word is being spoken
    synthesis.boundary(wordAt);
    recognition.result('sorry can I stop you there', false);
    const cut = session.getSnapshot().turns.find((t) => t.role === 'assistant' && t.status === 'interrupted')!;
    const secondWords = second.split(' ');
    expect(cut.text).toBe(`${first} ${secondWords[0]} ${secondWords[1]!.replace(/[,;:.!?]+$/, '')}…`);
    expect(synthesis.cancels).toBeGreaterThan(0);
    expect(session.getSnapshot().coachSpeaking).toBe(false);
    expect(last(session.getSnapshot().turns)).toMatchObject({ role: 'user', status: 'pending' });
  });

  it('ignores its own voice coming back through the speakers', async () => {
    const { session, synthesis, recognition } = setup();
    session.start();
    await settle();
    synthesis.start();
    const sentence = synthesis.current!.text;
    recognition.result(sentence.split(' ').slice(0, 4).join(' '), false);
    expect(session.getSnapshot().coachSpeaking).toBe(true);
    expect(session.getSnapshot().turns.filter((t) => t.role === 'user')).toHaveLength(0);
  });

  it('the stop button interrupts; an unstarted reply is cut to nothing', async () => {
    const { session, synthesis } = setup();
    session.start();
    await settle();
    session.interrupt();
    expect(session.getSnapshot().turns[0]).toMatchObject({ status: 'interrupted', text: '' });
    expect(session.transcriptAsText()).toBe('Coach: (interrupted)');
    expect(synthesis.cancels).toBe(1);
  });

  it('shows replies as text only when no voice starts speaking, and says so once', async () => {
    vi.useFakeTimers();
    const synthesis = new FakeSynthesis([]);
    const { session } = setup({ speech: { synthesis, createUtterance: (text) => new FakeUtterance(text), createRecognition: () => new FakeRecognition() } });
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.getSnapshot().turns[0]).toMatchObject({ status: 'pending' });
    await vi.advanceTimersByTimeAsync(2_100);
    const snap = session.getSnapshot();
    expect(snap.turns[0]).toMatchObject({ status: 'done', source: 'text' });
    expect(snap.turns[0]!.text.endsWith('?')).toBe(true);
    expect(snap.message).toBe(DEMO_MESSAGES.textOnly);
    const spokenBefore = synthesis.spoken.length;
    session.setMuted(true);
    session.sendText('We need an AI strategy');
    expect(last(session.getSnapshot().turns)).toMatchObject({ role: 'assistant', status: 'done', source: 'text' });
    expect(synthesis.spoken.length).toBe(spokenBefore); // no further attempts to speak
    expect(session.getSnapshot().microphone).toBe('muted');
  });

  it('runs library searches, shows them, and answers from the result', async () => {
    const { session, synthesis, searchFn } = setup();
    session.start();
    await settle();
    synthesis.finishAll();
    session.sendText('What does the EU AI Act require for high-risk systems?');
    expect(searchFn).toHaveBeenCalledWith('What does the EU AI Act require for high-risk systems');
    expect(session.getSnapshot().searches[0]).toMatchObject({ status: 'searching', query: 'What does the EU AI Act require for high-risk systems' });
    await settle();
    expect(session.getSnapshot().searches[0]).toMatchObject({ status: 'done', result: LIBRARY });
    synthesis.finishAll();
    const answer = last(session.getSnapshot().turns).text;
    expect(answer).toMatch(/^From the platform's library: For high-risk AI/);
    expect(answer).toMatch(/The EU AI Act: high-risk systems/);
  });

  it('says it could not look something up when the search fails', async () => {
    const { session, synthesis } = setup({
      search: async () => ({ ok: false as const, error: { kind: 'timeout' as const, message: 'No response within 20 s' } }),
    });
    session.start();
    await settle();
    synthesis.finishAll();
    session.sendText('When do the GPAI obligations apply?');
    await settle();
    expect(session.getSnapshot().searches[0]).toMatchObject({ status: 'failed', message: 'No response within 20 s' });
    synthesis.finishAll();
    expect(last(session.getSnapshot().turns).text).toMatch(/couldn't look that up/);
  });

  it('hangs up: speech and recognition stop, telemetry summarises, the server session ends', async () => {
    const { session, synthesis, recognition, telemetry, server, tokens } = setup();
    session.start();
    await settle();
    synthesis.start();
    await session.hangUp();
    expect(session.getSnapshot()).toMatchObject({ status: 'ended', coachSpeaking: false, microphone: 'off' });
    expect(recognition.running).toBe(false);
    expect(telemetry.record).toHaveBeenCalledWith(expect.objectContaining({ type: 'summary', turns: 1 }));
    expect(telemetry.stop).toHaveBeenCalled();
    expect(tokens.clear).toHaveBeenCalled();
    expect(server.endSession).toHaveBeenCalledWith('sess_demo');
    expect(session.sendText('hello?')).toBe(false);

    const other = setup();
    other.session.start();
    await settle();
    await other.session.hangUp({ endOnServer: false });
    expect(other.server.endSession).not.toHaveBeenCalled();
  });

  it('leaving the page ends the session with a beacon', async () => {
    const { session, telemetry, server } = setup();
    session.start();
    await settle();
    session.leave();
    expect(telemetry.stop).toHaveBeenCalledWith({ beacon: true });
    expect(server.endSessionOnUnload).toHaveBeenCalledWith('sess_demo');
    expect(session.getSnapshot().status).toBe('ended');
  });

  it('push-to-talk listens only while held', async () => {
    const { session, recognition, synthesis } = setup();
    session.start();
    await settle();
    session.setPushToTalk(true);
    expect(recognition.running).toBe(false);
    expect(session.getSnapshot().microphone).toBe('muted');
    synthesis.start();
    session.holdToTalk(true); // holding also stops the coach
    expect(recognition.running).toBe(true);
    expect(session.getSnapshot()).toMatchObject({ microphone: 'live', coachSpeaking: false });
    session.holdToTalk(false);
    expect(recognition.running).toBe(false);
  });
});

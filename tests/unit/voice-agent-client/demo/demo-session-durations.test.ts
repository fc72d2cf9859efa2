/**
 * DemoSession's spoken durations, for the delivery signals: the coach timed from each utterance's start to
 * its end (or the cut), the user from speech start to the final result; typed turns untimed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setup, last } from './demo-session-rig';

afterEach(() => {
  vi.useRealTimers();
});

describe('DemoSession: spoken durations (for the delivery signals)', () => {
  it('times the coach from each utterance start to its end (or the cut), the user from speech start to the final result', async () => {
    vi.useFakeTimers();
    const { session, synthesis, recognition } = setup();
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    // The opening, sentence by sentence: 1.2 s each, with a 0.3 s pause before each (not speech).
    let sentences = 0;
    for (let guard = 0; synthesis.current && guard < 50; guard++, sentences++) {
      vi.advanceTimersByTime(300);
      synthesis.start();
      vi.advanceTimersByTime(1_200);
      synthesis.end();
    }
    expect(sentences).toBeGreaterThan(1);
    expect(session.getSnapshot().turns[0]).toMatchObject({ role: 'assistant', status: 'done', durationMs: sentences * 1_200 });

    // The user speaks: 1.5 s before the first words are recognised, the final result 1 s later.
    recognition.onspeechstart?.({});
    vi.advanceTimersByTime(1_500);
    recognition.result('our pilots never', false);
    vi.advanceTimersByTime(1_000);
    recognition.result('our pilots never reach production', true);
    recognition.onspeechend?.({});
    expect(session.getSnapshot().turns[1]).toMatchObject({ role: 'user', source: 'voice', durationMs: 2_500 });

    // The reply is cut 0.7 s into its first sentence: that is all the user heard of it.
    synthesis.start();
    vi.advanceTimersByTime(700);
    synthesis.boundary(synthesis.current!.text.indexOf(' ') + 1);
    recognition.onspeechstart?.({}); // the coach's own voice may start "speech": it does not start the user's turn
    vi.advanceTimersByTime(400);
    recognition.result('excuse me quickly', false); // the user's first words start it
    const cut = session.getSnapshot().turns[2]!;
    expect(cut).toMatchObject({ role: 'assistant', status: 'interrupted', durationMs: 1_100 });
    vi.advanceTimersByTime(2_000);
    recognition.result('excuse me quickly what about the budget', true);
    expect(last(session.getSnapshot().turns.filter((t) => t.role === 'user'))).toMatchObject({ text: 'excuse me quickly what about the budget', durationMs: 2_000 });

    // Typed turns have no duration.
    session.sendText('A typed thought.');
    expect(session.getSnapshot().turns.find((t) => t.text === 'A typed thought.')!.durationMs).toBeUndefined();
  });
});

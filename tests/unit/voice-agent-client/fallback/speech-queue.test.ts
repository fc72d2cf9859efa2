/**
 * The speech queue with the real PcmPlayer on a fake audio clock (the fake wall clock: fake timers move
 * both) and scripted `/speech` answers the test feeds chunk by chunk.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPcmPlayer } from '../../../../src/lib/voice-agent/audio/pcm-player';
import { SpeechQueue } from '../../../../src/lib/voice-agent/fallback/speech-queue';
import type { ApiFailure, ApiResult } from '../../../../src/lib/voice-agent/types/api';
import { clockContext, fail, ok, ScriptedSpeech, speechPcm } from './fallback-test-support';

interface Call {
  text: string;
  signal: AbortSignal;
  speech: ScriptedSpeech;
}

function setup(answer: (text: string, index: number) => ApiResult<ScriptedSpeech> | 'scripted' = () => 'scripted') {
  const clock = clockContext();
  const calls: Call[] = [];
  const log: string[] = [];
  const failures: Array<[number, string, ApiFailure]> = [];
  const queue = new SpeechQueue({
    idPrefix: 'r1',
    fetchSpeech: async (text, signal) => {
      const speech = new ScriptedSpeech(signal);
      calls.push({ text, signal, speech });
      const planned = answer(text, calls.length - 1);
      return planned === 'scripted' ? ok(speech) : planned;
    },
    createPlayer: (options) => createPcmPlayer(clock.asPlayerContext, { ...options, tickMs: 10 }),
    onFirstAudio: () => log.push(`first-audio@${Date.now() - start}`),
    onSpeaking: (speaking) => log.push(speaking ? 'speaking' : 'silent'),
    onSentenceFailed: (index, text, failure) => failures.push([index, text, failure]),
  });
  const start = Date.now();
  return { queue, calls, log, failures, clock };
}

const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('SpeechQueue', () => {
  it('speaks in order, streaming the first sentence and fetching the next only once the current one plays', async () => {
    const { queue, calls, log, clock } = setup();
    queue.push('First sentence of the reply.');
    queue.push('Second sentence follows here.');
    queue.push('Third and last sentence.');
    queue.end();
    await settle();
    expect(calls.map((c) => c.text)).toEqual(['First sentence of the reply.']); // no speech paid for ahead of time

    calls[0]!.speech.push(speechPcm(500)); // first chunk: into the player at once
    await settle();
    expect(clock.sources).toHaveLength(1);
    await settle(60); // the player's 50 ms lead: the first sample reaches the speaker
    expect(log).toEqual(['first-audio@50', 'speaking']);
    expect(calls.map((c) => c.text)).toEqual(['First sentence of the reply.', 'Second sentence follows here.']);

    // The second sentence arrives complete before the first has finished streaming: it waits its turn.
    calls[1]!.speech.push(speechPcm(300));
    calls[1]!.speech.end();
    await settle();
    expect(clock.sources).toHaveLength(1);
    calls[0]!.speech.push(speechPcm(500));
    calls[0]!.speech.end();
    await settle();
    expect(clock.sources).toHaveLength(3);
    // Gapless: each chunk starts exactly where the previous one ends on the audio clock.
    const starts = clock.sources.map((s) => s.startedAt!);
    expect(starts[1]).toBeCloseTo(starts[0]! + 0.5, 6);
    expect(starts[2]).toBeCloseTo(starts[1]! + 0.5, 6);

    await settle(1_000); // the second sentence has begun: the third is fetched
    expect(calls).toHaveLength(3);
    calls[2]!.speech.push(speechPcm(400));
    calls[2]!.speech.end();
    let finished: string | undefined;
    void queue.finished.then((how) => (finished = how));
    await settle(2_000);
    expect(finished).toBe('played');
    expect(log).toEqual(['first-audio@50', 'speaking', 'silent']);
    expect(queue.heardMs).toBe(1_000 + 300 + 400); // every sentence's audio, played to the end
    expect(queue.stop()).toEqual({ delivered: 3 }); // after the end, a stop has nothing to cut
    expect(queue.heardMs).toBe(1_700);
  });

  it('stop() cuts at once, aborts the fetches and says what was heard', async () => {
    const { queue, calls, log, clock } = setup();
    queue.push('One full sentence first.');
    queue.push('A second sentence that is cut in the middle.');
    queue.push('A third one never heard.');
    await settle();
    calls[0]!.speech.push(speechPcm(1_000));
    calls[0]!.speech.end();
    await settle(100);
    calls[1]!.speech.push(speechPcm(2_000));
    calls[1]!.speech.end();
    await settle(1_000 + 500 - 100 + 50); // 50 ms lead + 1 s of the first + 500 ms of the second
    expect(calls).toHaveLength(3);

    const cut = queue.stop();
    expect(cut.delivered).toBe(1);
    expect(cut.partial).toMatchObject({ index: 1, totalMs: 2_000 });
    expect(cut.partial!.playedMs).toBeGreaterThanOrEqual(490);
    expect(cut.partial!.playedMs).toBeLessThanOrEqual(510);
    // What the user heard of the voice: the whole first sentence and the played part of the second.
    expect(queue.heardMs).toBe(1_000 + cut.partial!.playedMs);
    expect(calls[2]!.signal.aborted).toBe(true);
    expect(clock.sources.every((s) => s.stoppedAt !== undefined || s.startedAt! + s.length / 24_000 <= clock.ctx.currentTime)).toBe(true);
    expect(log.at(-1)).toBe('silent');
    expect(await queue.finished).toBe('stopped');
    expect(queue.stop()).toBe(cut); // the same answer again
  });

  it('estimates the length of a sentence still arriving when it is cut', async () => {
    const { queue, calls } = setup();
    const text = 'A sentence whose audio is still streaming in.'; // 46 characters ≈ 3 s of speech
    queue.push(text);
    await settle();
    calls[0]!.speech.push(speechPcm(500));
    await settle(50 + 400);
    const cut = queue.stop();
    expect(cut).toMatchObject({ delivered: 0, partial: { index: 0, totalMs: text.length * 65 } });
    expect(cut.partial!.playedMs).toBeGreaterThanOrEqual(390);
  });

  it('skips a sentence whose speech fails, reports it, and goes on with the next', async () => {
    const busy: ApiFailure = { kind: 'http', status: 503, code: 'upstream_busy', message: 'Busy.' };
    const { queue, calls, failures, log } = setup((_text, index) => (index === 0 ? fail(busy) : 'scripted'));
    queue.push('This one cannot be spoken.');
    queue.push('This one can be spoken fine.');
    queue.end();
    await settle();
    expect(failures).toEqual([[0, 'This one cannot be spoken.', busy]]);
    expect(calls).toHaveLength(2);
    calls[1]!.speech.push(speechPcm(300));
    calls[1]!.speech.end();
    await settle(1_000);
    expect(await queue.finished).toBe('played');
    expect(log).toEqual(['first-audio@50', 'speaking', 'silent']);
  });

  it('keeps audio cut short mid-stream, and treats a sentence with nothing to say aloud as said', async () => {
    const { queue, calls, failures } = setup();
    queue.push('https://example.com/only-a-link');
    queue.push('Then a real sentence to speak.');
    queue.end();
    await settle();
    expect(calls.map((c) => c.text)).toEqual(['Then a real sentence to speak.']);
    calls[0]!.speech.push(speechPcm(200));
    calls[0]!.speech.end({ kind: 'network', message: 'The server could not be reached' });
    await settle(1_000);
    expect(failures).toEqual([]);
    expect(await queue.finished).toBe('played');
  });
});

import { describe, expect, it } from 'vitest';
import { createVad, DEFAULT_VAD_CONFIG, frameLevelDb, type VadEvent } from '../../../../src/lib/voice-agent/fallback/vad';
import { frame, frames } from './fallback-test-support';

const QUIET = -70;
const VOICE = -20;

/** Runs frames through a fresh VAD; every event with the time (ms) of the frame that caused it. */
function run(input: Int16Array[], options: { echo?: (atMs: number) => boolean; config?: Parameters<typeof createVad>[1] } = {}) {
  const vad = createVad(16_000, options.config);
  const events: Array<VadEvent & { atMs: number }> = [];
  for (const f of input) {
    const event = vad.process(f, { echo: options.echo?.(vad.state.atMs) ?? false });
    if (event) events.push({ ...event, atMs: vad.state.atMs });
  }
  return { events, vad };
}

describe('frameLevelDb', () => {
  it('measures RMS in dBFS', () => {
    expect(frameLevelDb(frame(20, -20))).toBeCloseTo(-20, 0);
    expect(frameLevelDb(frame(20, -60))).toBeCloseTo(-60, 0);
    expect(frameLevelDb(new Int16Array(320))).toBe(-100);
    expect(frameLevelDb(new Int16Array(0))).toBe(-100);
  });
});

describe('VAD', () => {
  it('starts speech after the onset (~120 ms above threshold), dated from where it began', () => {
    const { events } = run([...frames(500, QUIET), ...frames(100, VOICE)]);
    expect(events).toEqual([]); // 100 ms is not enough
    const again = run([...frames(500, QUIET), ...frames(200, VOICE)]);
    expect(again.events).toEqual([{ type: 'start', startMs: 500, atMs: 620 }]);
  });

  it('ends after 700 ms of silence, at the last voiced frame', () => {
    const { events } = run([...frames(500, QUIET), ...frames(1_000, VOICE), ...frames(1_000, QUIET)]);
    expect(events).toEqual([
      { type: 'start', startMs: 500, atMs: 620 },
      { type: 'end', startMs: 500, endMs: 1_500, reason: 'silence', atMs: 2_200 },
    ]);
  });

  it('does not end on pauses shorter than the hangover (between words)', () => {
    const speech = [...frames(600, VOICE), ...frames(500, QUIET), ...frames(600, VOICE), ...frames(400, QUIET), ...frames(300, VOICE)];
    const { events } = run([...frames(400, QUIET), ...speech, ...frames(800, QUIET)]);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(events[1]).toMatchObject({ startMs: 400, endMs: 400 + 2_400 });
  });

  it('discards an utterance shorter than the minimum (a cough), and tolerates short dips in the onset', () => {
    const cough = run([...frames(400, QUIET), ...frames(200, VOICE), ...frames(800, QUIET)]);
    expect(cough.events.map((e) => e.type)).toEqual(['start', 'discard']);
    // 60 ms voiced, a 40 ms dip, then voiced again: the onset's 120 voiced ms are complete at 560.
    const dip = run([...frames(400, QUIET), ...frames(60, VOICE), ...frames(40, QUIET), ...frames(80, VOICE)]);
    expect(dip.events).toEqual([{ type: 'start', startMs: 400, atMs: 560 }]);
    // A long gap cancels the onset.
    const gap = run([...frames(400, QUIET), ...frames(80, VOICE), ...frames(100, QUIET), ...frames(80, VOICE)]);
    expect(gap.events).toEqual([]);
  });

  it('forces the end of an utterance at the maximum length', () => {
    const { events } = run([...frames(400, QUIET), ...frames(3_000, VOICE)], { config: { maxSpeechMs: 2_000 } });
    expect(events.map((e) => [e.type, 'reason' in e ? e.reason : undefined])).toEqual([
      ['start', undefined],
      ['end', 'max-length'],
      ['start', undefined], // still talking: the next utterance starts right away
    ]);
    expect(events[1]).toMatchObject({ startMs: 400, endMs: 2_400 });
  });

  it('adapts to a noisy room: steady noise is not speech, voice above it is', () => {
    const noisy = -42;
    const { events, vad } = run([...frames(3_000, noisy), ...frames(400, VOICE), ...frames(1_000, noisy)]);
    expect(vad.state.floorDb).toBeGreaterThan(-45);
    expect(events.map((e) => e.type)).toEqual(['start', 'end']);
  });

  it('follows a room getting louder instead of hearing it as endless speech', () => {
    // The noise creeps up 1 dB every 500 ms: the floor follows (3 dB/s) and never lets it pass as voice.
    const creeping = Array.from({ length: 20 }, (_, i) => frames(500, -70 + i)).flat();
    expect(run(creeping).events).toEqual([]);
  });

  it('is stricter while the coach speaks: its echo is not barge-in, the user talking over it is', () => {
    const echo = -40; // what leaks through the browser's echo cancellation
    const coachTalking = () => true;
    const leak = run([...frames(400, QUIET), ...frames(2_000, echo)], { echo: coachTalking });
    expect(leak.events).toEqual([]);
    // The same level without the coach speaking is the user.
    expect(run([...frames(400, QUIET), ...frames(400, echo)]).events.map((e) => e.type)).toEqual(['start']);
    // The user speaking up over the coach: a longer onset (280 ms), then speech.
    const bargeIn = run([...frames(400, QUIET), ...frames(500, -15)], { echo: coachTalking });
    expect(bargeIn.events).toEqual([{ type: 'start', startMs: 400, atMs: 400 + DEFAULT_VAD_CONFIG.echo.onsetMs }]);
  });

  it('is deterministic and cancel() drops an utterance in progress', () => {
    const input = [...frames(400, QUIET), ...frames(700, VOICE), ...frames(900, QUIET)];
    expect(run(input).events).toEqual(run(input).events);
    const { vad } = run([...frames(400, QUIET), ...frames(300, VOICE)]);
    expect(vad.state.phase).toBe('speech');
    vad.cancel();
    expect(vad.state.phase).toBe('silence');
    let ended = false;
    for (const f of frames(1_000, QUIET)) ended ||= vad.process(f) !== undefined;
    expect(ended).toBe(false);
  });
});

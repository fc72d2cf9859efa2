import { describe, expect, it } from 'vitest';
import { UtteranceDetector, type DetectorEvent } from '../../../../src/lib/voice-agent/fallback/utterance-detector';
import { frameLevelDb } from '../../../../src/lib/voice-agent/fallback/vad';
import { frames } from './fallback-test-support';

const RATE = 16_000;
const feedAll = (detector: UtteranceDetector, input: Int16Array[]): DetectorEvent[] => input.flatMap((f) => detector.feed(f));
const ms = (samples: number) => (samples * 1000) / RATE;

describe('UtteranceDetector', () => {
  it('keeps a pre-roll before the detected start and a short tail after the end', () => {
    const detector = new UtteranceDetector({ sampleRate: RATE });
    const events = feedAll(detector, [...frames(1_000, -70), ...frames(800, -20), ...frames(900, -70)]);
    expect(events.map((e) => e.type)).toEqual(['speech-start', 'utterance']);
    const utterance = events[1] as Extract<DetectorEvent, { type: 'utterance' }>;
    expect(utterance.reason).toBe('silence');
    expect(utterance.speechMs).toBe(800);
    // 300 ms pre-roll + 800 ms speech + 200 ms tail.
    expect(ms(utterance.pcm.length)).toBe(1_300);
    expect(frameLevelDb(utterance.pcm.subarray(0, RATE * 0.3))).toBeLessThan(-60); // the pre-roll is the quiet before
    expect(frameLevelDb(utterance.pcm.subarray(RATE * 0.3, RATE * 1.1))).toBeGreaterThan(-21);
    expect(detector.speaking).toBe(false);
  });

  it('push-to-talk: records while pressed; a tap or silence is no utterance; the limit splits a long hold', () => {
    const detector = new UtteranceDetector({ sampleRate: RATE, maxUtteranceMs: 2_000 });
    detector.setPushToTalk(true);
    expect(feedAll(detector, frames(500, -20))).toEqual([]); // not pressed
    expect(detector.press()).toEqual([{ type: 'speech-start' }]);
    feedAll(detector, frames(600, -20));
    const [released] = detector.release();
    expect(released).toMatchObject({ type: 'utterance', reason: 'release', durationMs: 600, speechMs: 600 });

    detector.press();
    feedAll(detector, frames(100, -20));
    expect(detector.release()).toEqual([{ type: 'discarded', reason: 'too-short' }]);
    detector.press();
    feedAll(detector, frames(800, -75));
    expect(detector.release()).toEqual([{ type: 'discarded', reason: 'silent' }]);

    detector.press();
    const long = feedAll(detector, frames(2_500, -20));
    expect(long.map((e) => e.type)).toEqual(['utterance', 'speech-start']);
    expect(long[0]).toMatchObject({ reason: 'max-length', durationMs: 2_000 });
    expect(detector.release()[0]).toMatchObject({ type: 'utterance', durationMs: 500 });
  });

  it('reset() drops the utterance in progress', () => {
    const detector = new UtteranceDetector({ sampleRate: RATE });
    feedAll(detector, [...frames(500, -70), ...frames(400, -20)]);
    expect(detector.speaking).toBe(true);
    expect(detector.reset()).toBe(true);
    expect(feedAll(detector, frames(1_000, -70))).toEqual([]);
    expect(detector.reset()).toBe(false);
  });
});

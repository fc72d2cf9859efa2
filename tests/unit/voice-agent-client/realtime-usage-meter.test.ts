import { describe, expect, it } from 'vitest';
import type { RealtimeInput } from '../../../src/lib/voice-agent/realtime/realtime-events';
import {
  createUsageMeter,
  createUsageState,
  latencyStats,
  usageReducer,
  type LatencySample,
  type UsageState,
} from '../../../src/lib/voice-agent/realtime/usage-meter';
import { S, spokenReply, spokenUserTurn, wire } from './realtime-test-support';

const USAGE_1 = {
  total_tokens: 330,
  input_tokens: 250,
  output_tokens: 80,
  input_token_details: { text_tokens: 150, audio_tokens: 100, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0 } },
  output_token_details: { text_tokens: 20, audio_tokens: 60 },
};
const USAGE_2 = {
  total_tokens: 520,
  input_tokens: 400,
  output_tokens: 120,
  input_token_details: { text_tokens: 200, audio_tokens: 200, cached_tokens: 128, cached_tokens_details: { text_tokens: 96, audio_tokens: 32 } },
  output_token_details: { text_tokens: 30, audio_tokens: 90 },
};

/** Events at given wall times: [ms, event]. */
function runAt(steps: Array<[number, Record<string, unknown> | RealtimeInput]>, state: UsageState = createUsageState()): UsageState {
  return steps.reduce((s, [t, e]) => usageReducer(s, String(e.type).startsWith('app.') ? (e as RealtimeInput) : wire([e as Record<string, unknown>])[0], t), state);
}
const at = (t: number, events: Array<Record<string, unknown>>) => events.map((e) => [t, e] as [number, Record<string, unknown>]);

describe('usage meter: tokens', () => {
  it('sums usage over responses with audio/text/cached details, counting a repeated response.done once', () => {
    const done1 = S.responseDone('resp_1', 'completed', [], USAGE_1);
    const s = runAt([...at(0, [done1, { ...done1, event_id: 'event_dup' }]), ...at(1, [S.responseDone('resp_2', 'cancelled', [], USAGE_2, 'turn_detected')])]);
    expect(s.responses).toBe(2);
    expect(s.byStatus).toEqual({ completed: 1, cancelled: 1 });
    expect(s.tokens).toEqual({
      input: 650,
      output: 200,
      total: 850,
      inputText: 350,
      inputAudio: 300,
      inputImage: 0,
      inputCached: 192,
      inputCachedText: 160,
      inputCachedAudio: 32,
      outputText: 50,
      outputAudio: 150,
    });
    expect(s.lastResponse?.total).toBe(520);
  });

  it('counts a response without usage (failed early) with zero tokens', () => {
    const s = runAt(at(0, [S.responseDone('resp_x', 'failed')]));
    expect(s.responses).toBe(1);
    expect(s.tokens.total).toBe(0);
  });
});

describe('usage meter: end of speech → first audio', () => {
  it('measures from speech_stopped to the first audio delta of the reply, once per turn', () => {
    const turn = spokenUserTurn('item_u1', null);
    const reply = spokenReply('resp_1', 'item_a1', 'item_u1', ['Hello ', 'there.']);
    const s = runAt([
      [1000, turn[0]],
      [2400, turn[1]], // speech_stopped
      ...at(2450, turn.slice(2)),
      ...at(2700, reply.slice(0, 5)), // response.created …
      ...at(3150, reply.slice(5, 7)), // first transcript + audio delta
      ...at(3400, reply.slice(7)),
    ]);
    expect(s.samples).toEqual([{ kind: 'first-audio', trigger: 'speech', latencyMs: 750, atMs: 3150 }]);
  });

  it('ignores late audio of an interrupted reply and waits for the new one', () => {
    const s = runAt([
      [0, S.responseCreated('resp_old')],
      [500, S.speechStopped('item_u2')],
      [520, S.audioDelta('resp_old', 'item_a_old', 40)],
      [900, S.responseCreated('resp_new')],
      [1300, S.audioDelta('resp_new', 'item_a_new', 40)],
    ]);
    expect(s.samples.map((x) => x.latencyMs)).toEqual([800]);
  });

  it('accepts the WebRTC signals: output_audio_buffer.started or the app first-audio event', () => {
    const webrtc = runAt([
      [100, S.speechStopped('item_u1')],
      [300, S.responseCreated('resp_1')],
      [700, S.bufferStarted('resp_1')],
    ]);
    expect(webrtc.samples.map((x) => x.latencyMs)).toEqual([600]);
    const app = runAt([
      [100, S.speechStopped('item_u1')],
      [650, { type: 'app.first_audio', itemId: 'item_a1' }],
    ]);
    expect(app.samples.map((x) => x.latencyMs)).toEqual([550]);
  });

  it('restarts the wait when the user resumes talking, and measures typed turns too', () => {
    const s = runAt([
      [100, S.speechStopped('item_u1')],
      [300, S.speechStarted('item_u2')],
      [400, { type: 'app.first_audio' }], // no wait running: no sample
      [900, S.speechStopped('item_u2')],
      [1000, { type: 'app.first_audio' }],
      [2000, { type: 'app.user_text', itemId: 'item_t', text: 'hi' }],
      [2100, S.responseCreated('resp_t')],
      [2350, S.audioDelta('resp_t', 'item_a', 20)],
    ]);
    expect(s.samples.map((x) => [x.trigger, x.latencyMs])).toEqual([
      ['speech', 100],
      ['text', 350],
    ]);
  });

  it('summarises samples and reports each new one through the meter', () => {
    const mk = (ms: number): LatencySample => ({ kind: 'first-audio', trigger: 'speech', latencyMs: ms, atMs: 0 });
    expect(latencyStats([])).toBeNull();
    expect(latencyStats([400, 100, 300, 200, 1000].map(mk))).toEqual({ count: 5, medianMs: 300, p95Ms: 1000, maxMs: 1000 });

    let now = 0;
    const got: LatencySample[] = [];
    const meter = createUsageMeter({ now: () => now, onSample: (x) => got.push(x) });
    now = 10;
    wire([S.speechStopped('item_u1')]).forEach(meter.handle);
    now = 490;
    meter.handle({ type: 'app.first_audio' });
    meter.handle({ type: 'app.first_audio' });
    expect(got.map((x) => x.latencyMs)).toEqual([480]);
    meter.reset();
    expect(meter.state.samples).toEqual([]);
  });
});

/**
 * Per-turn spoken durations in the realtime transcript (they feed the live delivery signals): a user turn
 * lasts from the VAD's speech start to its speech stop on the input audio buffer; a spoken reply lasts as
 * long as the audio the user heard — the cut when interrupted, its whole track once the response is done.
 */
import { describe, expect, it } from 'vitest';
import { createTranscriptState, transcriptReducer, type TranscriptState } from '../../../src/lib/voice-agent/realtime/transcript-reducer';
import type { RealtimeInput } from '../../../src/lib/voice-agent/realtime/realtime-events';
import { feed, S, spokenReply, wire } from './realtime-test-support';

type Events = Parameters<typeof feed>[2];
const run = (events: Events, state: TranscriptState = createTranscriptState()) => feed(transcriptReducer, state, events);
const durations = (s: TranscriptState) => s.turns.map((t) => [t.itemId, t.durationMs]);

const PILOT = ['Start with one pilot ', 'in finance. ', 'Then measure ', 'the savings ', 'before you ', 'scale it.'];
/** The user's turn as the server reports it: speech from `startMs` to `endMs` of the input audio buffer. */
const userTurn = (id: string, previous: string | null, startMs: number, endMs: number) => [
  S.speechStarted(id, startMs),
  S.speechStopped(id, endMs),
  S.committed(id, previous),
  S.userAudioItem('added', id, previous),
];

describe('transcript reducer: spoken durations', () => {
  it('times a user turn from speech_started to speech_stopped (audio-buffer ms), whatever order the turn appears in', () => {
    let s = run(userTurn('item_u1', null, 1_200, 4_700));
    expect(durations(s)).toEqual([['item_u1', 3_500]]);
    // The stop arrives after the commit: the turn takes its duration then.
    s = run([S.speechStarted('item_u2', 9_000), S.committed('item_u2', 'item_u1')], s);
    expect(s.byId.item_u2.durationMs).toBeUndefined();
    s = run([S.speechStopped('item_u2', 15_250)], s);
    expect(s.byId.item_u2.durationMs).toBe(6_250);
    // Its transcript completing later keeps it.
    s = run([S.transcriptionCompleted('item_u2', 'We need a board pitch by March.')], s);
    expect(s.byId.item_u2).toMatchObject({ text: 'We need a board pitch by March.', durationMs: 6_250 });
  });

  it('repeated speech events change nothing (same state object); a typed turn has no duration', () => {
    const s0 = run(userTurn('item_u1', null, 0, 2_000));
    const s1 = run([S.speechStarted('item_u1', 500), S.speechStopped('item_u1', 2_000)], s0);
    expect(s1).toBe(s0);
    expect(s1.byId.item_u1.durationMs).toBe(2_000);
    const [replayed] = wire([S.speechStopped('item_u1', 2_000)]);
    expect(transcriptReducer(s0, replayed)).toBe(s0);

    const typed = run([{ type: 'app.user_text', itemId: 'item_t1', text: 'Typed question?' } satisfies RealtimeInput, S.userTextItem('added', 'item_t1', null, 'Typed question?')]);
    expect(typed.byId.item_t1.durationMs).toBeUndefined();
  });

  it('times a finished reply by its whole audio track once the response is done', () => {
    let s = run([...userTurn('item_u1', null, 0, 1_000), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT, { done: false })]);
    expect(s.byId.item_a1.durationMs).toBeUndefined(); // still speaking
    s = run(spokenReply('resp_1', 'item_a1', 'item_u1', PILOT).slice(-6), s);
    expect(s.byId.item_a1).toMatchObject({ status: 'done', durationMs: 6 * 800 });
    // A duplicated response.done, or a truncate after all of it was heard, leaves it as it is.
    const again = run([S.responseDone('resp_1', 'completed'), S.truncated('item_a1', 6_000)], s);
    expect(again.byId.item_a1).toMatchObject({ status: 'done', durationMs: 4_800 });
  });

  it('times an interrupted reply by where it was cut', () => {
    let s = run([...userTurn('item_u1', null, 0, 1_000), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT, { done: false })]);
    s = run([S.speechStarted('item_u2', 5_000), S.responseDone('resp_1', 'cancelled', [], undefined, 'turn_detected'), S.truncated('item_a1', 1_500)], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one pilot in', status: 'interrupted', durationMs: 1_500 });

    // A reply that had finished streaming and was cut during playback.
    let done = run([...userTurn('item_u1', null, 0, 1_000), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT)]);
    done = run([S.truncated('item_a1', 2_000)], done);
    expect(done.byId.item_a1).toMatchObject({ status: 'interrupted', durationMs: 2_000 });
  });

  it('a cancelled reply with no truncate: the playback reported, else the audio that arrived; a later truncate wins', () => {
    let played = run([...userTurn('item_u1', null, 0, 1_000), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT, { done: false })]);
    played = run([{ type: 'app.audio_played', itemId: 'item_a1', playedMs: 2_000 } satisfies RealtimeInput, S.responseDone('resp_1', 'cancelled')], played);
    expect(played.byId.item_a1).toMatchObject({ status: 'interrupted', durationMs: 2_000 });

    let arrived = run([...userTurn('item_u1', null, 0, 1_000), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT.slice(0, 3), { done: false })]);
    arrived = run([S.responseDone('resp_1', 'cancelled')], arrived);
    expect(arrived.byId.item_a1.durationMs).toBe(3 * 800);
    arrived = run([S.truncated('item_a1', 800)], arrived);
    expect(arrived.byId.item_a1).toMatchObject({ text: 'Start with one', durationMs: 800 });
  });

  it('estimates a reply with no audio bytes (WebRTC) at the nominal rate, and leaves a text reply untimed', () => {
    const text = 'Good question. The EU AI Act phases in over two years.'; // 54 chars × 70 ms = 3780 ms
    const voice = run([
      S.responseCreated('resp_1'),
      S.assistantItem('added', 'item_a1', null),
      S.audioTranscriptDelta('resp_1', 'item_a1', text),
      S.audioTranscriptDone('resp_1', 'item_a1', text),
      S.responseDone('resp_1', 'completed'),
    ]);
    expect(voice.byId.item_a1.durationMs).toBe(3_780);

    const typed = run([
      S.responseCreated('resp_2'),
      S.assistantItem('added', 'item_a2', null),
      S.contentPart('added', 'resp_2', 'item_a2', 'text'),
      S.textDelta('resp_2', 'item_a2', 'It regulates AI by risk.'),
      S.textDone('resp_2', 'item_a2', 'It regulates AI by risk.'),
      S.responseDone('resp_2', 'completed'),
    ]);
    expect(typed.byId.item_a2).toMatchObject({ source: 'text', status: 'done' });
    expect(typed.byId.item_a2.durationMs).toBeUndefined();
  });

  it('forgets a deleted turn’s speech span', () => {
    const s = run([...userTurn('item_u1', null, 0, 1_000), S.deleted('item_u1')]);
    expect(s.turns).toEqual([]);
    expect(s.speech.item_u1).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  createTranscriptState,
  lastAssistantTurn,
  transcriptReducer,
  transcriptText,
  type TranscriptState,
} from '../../../src/lib/voice-agent/realtime/transcript-reducer';
import type { RealtimeInput } from '../../../src/lib/voice-agent/realtime/realtime-events';
import { feed, functionCallItem, S, spokenReply, spokenUserTurn, wire } from './realtime-test-support';

type Events = Parameters<typeof feed>[2];
const run = (events: Events, state: TranscriptState = createTranscriptState()) => feed(transcriptReducer, state, events);
const view = (s: TranscriptState) => s.turns.map((t) => [t.itemId, t.role, t.text, t.status, t.source]);

const PILOT = ['Start with one pilot ', 'in finance. ', 'Then measure ', 'the savings ', 'before you ', 'scale it.'];
const PILOT_TEXT = PILOT.join('');

describe('transcript reducer: voice turns', () => {
  it('shows a user turn as soon as speech is committed, then streams and completes it', () => {
    let s = run(spokenUserTurn('item_u1', null));
    expect(view(s)).toEqual([['item_u1', 'user', '', 'pending', 'voice']]);
    s = run([S.transcriptionDelta('item_u1', 'How do I '), S.transcriptionDelta('item_u1', 'start with AI?')], s);
    expect(view(s)).toEqual([['item_u1', 'user', 'How do I start with AI?', 'streaming', 'voice']]);
    s = run([S.transcriptionCompleted('item_u1', 'How do I start with AI? ')], s);
    expect(view(s)).toEqual([['item_u1', 'user', 'How do I start with AI?', 'done', 'voice']]);
  });

  it('streams the spoken reply and ends with both turns done (typical VAD sequence)', () => {
    const s = run([
      ...spokenUserTurn('item_u1', null),
      S.transcriptionCompleted('item_u1', 'How do I start with AI?'),
      ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT),
    ]);
    expect(view(s)).toEqual([
      ['item_u1', 'user', 'How do I start with AI?', 'done', 'voice'],
      ['item_a1', 'assistant', PILOT_TEXT, 'done', 'voice'],
    ]);
    expect(transcriptText(s)).toBe(`You: How do I start with AI?\nCoach: ${PILOT_TEXT}`);
    expect(lastAssistantTurn(s)?.itemId).toBe('item_a1');
  });

  it('keeps the user turn first when its transcription completes after the reply started streaming', () => {
    const reply = spokenReply('resp_1', 'item_a1', 'item_u1', PILOT);
    let s = run([...spokenUserTurn('item_u1', null), ...reply.slice(0, 8)]);
    expect(s.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(s.byId.item_a1.status).toBe('streaming');
    expect(s.byId.item_u1).toMatchObject({ text: '', status: 'pending' });

    s = run([S.transcriptionDelta('item_u1', 'What should '), S.transcriptionCompleted('item_u1', 'What should we pilot first?')], s);
    expect(view(s)[0]).toEqual(['item_u1', 'user', 'What should we pilot first?', 'done', 'voice']);
    expect(s.turns[1].itemId).toBe('item_a1');

    s = run(reply.slice(8), s);
    expect(transcriptText(s)).toBe(`You: What should we pilot first?\nCoach: ${PILOT_TEXT}`);
  });

  it('orders two quick user turns by previous_item_id even when the second is transcribed first', () => {
    const s = run([
      ...spokenReply('resp_0', 'item_a0', null, ['Hello, I am your coach.']),
      ...spokenUserTurn('item_u1', 'item_a0'),
      ...spokenUserTurn('item_u2', 'item_u1'),
      S.transcriptionCompleted('item_u2', 'Keep it short.'),
      ...spokenReply('resp_1', 'item_a1', 'item_u2', ['Sure: pick one process.']),
      S.transcriptionCompleted('item_u1', 'I need a board pitch.'),
    ]);
    expect(view(s).map(([id, , text]) => [id, text])).toEqual([
      ['item_a0', 'Hello, I am your coach.'],
      ['item_u1', 'I need a board pitch.'],
      ['item_u2', 'Keep it short.'],
      ['item_a1', 'Sure: pick one process.'],
    ]);
  });

  it('inserts right after the named predecessor, at the start for null, and appends an unknown one', () => {
    let s = run([S.committed('item_b', null), S.committed('item_c', 'item_b')]);
    s = run([S.committed('item_x', 'item_b')], s); // the server spliced x in after b
    s = run([S.committed('item_first', null)], s);
    s = run([S.committed('item_orphan', 'item_never_seen')], s);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_first', 'item_b', 'item_x', 'item_c', 'item_orphan']);
  });

  it('lets hidden items (function call and its output) anchor the next message', () => {
    const s = run([
      ...spokenUserTurn('item_u1', null),
      S.textDelta('resp_1', 'item_p', 'x'), // a reply known only from a delta: provisionally at the end
      S.userTextItem('added', 'item_late', 'item_p', 'later text'),
      wireItem({ previous_item_id: 'item_u1', item: functionCallItem('item_fc', 'call_1', 'web_search', '{}') }),
      wireItem({ previous_item_id: 'item_fc', item: { id: 'item_out', type: 'function_call_output', call_id: 'call_1', output: '{}' } }),
      S.assistantItem('added', 'item_a2', 'item_out'),
    ]);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u1', 'item_a2', 'item_p', 'item_late']);
    expect(s.order.ids).toEqual(['item_u1', 'item_fc', 'item_out', 'item_a2', 'item_p', 'item_late']);
  });

  it('keeps a failed transcription as "(inaudible)" and an empty one too', () => {
    const s = run([
      ...spokenUserTurn('item_u1', null),
      S.transcriptionDelta('item_u1', 'mmh'),
      S.transcriptionFailed('item_u1'),
      ...spokenUserTurn('item_u2', 'item_u1'),
      S.transcriptionCompleted('item_u2', '  '),
    ]);
    expect(view(s)).toEqual([
      ['item_u1', 'user', '(inaudible)', 'failed', 'voice'],
      ['item_u2', 'user', '(inaudible)', 'done', 'voice'],
    ]);
    expect(transcriptText(s)).toBe('You: (inaudible)\nYou: (inaudible)');
  });

  it('removes a deleted item', () => {
    const s = run([...spokenUserTurn('item_u1', null), ...spokenUserTurn('item_u2', 'item_u1'), S.deleted('item_u1')]);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u2']);
  });
});

describe('transcript reducer: barge-in', () => {
  // 6 chunks × 800 ms = 4800 ms of audio for 78 characters.
  const midReply = () => run([...spokenUserTurn('item_u1', null), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT, { done: false })]);

  it('cuts the reply to the words heard before audio_end_ms on truncate, marked interrupted', () => {
    let s = midReply();
    expect(s.byId.item_a1.text).toBe(PILOT_TEXT);
    // 1500 ms of 4800: "in" ends at 23/78 × 4800 ≈ 1415 ms, "finance." at 32/78 × 4800 ≈ 1969 ms.
    s = run([S.responseDone('resp_1', 'cancelled', [], undefined, 'turn_detected'), S.truncated('item_a1', 1500)], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one pilot in', status: 'interrupted' });
    expect(transcriptText(s)).toBe('Coach: Start with one pilot in');
  });

  it('cuts a reply that had finished streaming when the user interrupts during playback', () => {
    let s = run([...spokenUserTurn('item_u1', null), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT)]);
    expect(s.byId.item_a1.status).toBe('done');
    s = run([S.speechStarted('item_u2', 9000), S.truncated('item_a1', 2000)], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one pilot in finance.', status: 'interrupted' });
  });

  it('leaves a finished reply done when the cut comes after all of its audio', () => {
    let s = run([...spokenUserTurn('item_u1', null), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT)]);
    s = run([S.truncated('item_a1', 4800)], s);
    expect(s.byId.item_a1).toMatchObject({ text: PILOT_TEXT, status: 'done' });
  });

  it('estimates timing from a nominal speaking rate when no audio bytes arrive (WebRTC)', () => {
    const text = 'Good question. The EU AI Act phases in over two years.'; // 54 chars ≈ 3780 ms at 70 ms/char
    let s = run([
      S.responseCreated('resp_1'),
      S.assistantItem('added', 'item_a1', null),
      S.audioTranscriptDelta('resp_1', 'item_a1', text),
      S.bufferStarted('resp_1'),
    ]);
    s = run([S.truncated('item_a1', 1500)], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Good question. The EU', status: 'interrupted' });
  });

  it('cuts a cancelled response (no truncate) at the playback the transport reported', () => {
    let s = midReply();
    s = run([{ type: 'app.audio_played', itemId: 'item_a1', playedMs: 2000 } satisfies RealtimeInput], s);
    s = run([S.responseDone('resp_1', 'cancelled', [], undefined, 'client_cancelled')], s);
    // 2000 of 4800 ms: "finance." ends at ≈ 1969 ms, "Then" at ≈ 2277 ms.
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one pilot in finance.', status: 'interrupted' });
  });

  it('keeps what arrived when a response is cancelled with no playback report, and a later truncate wins', () => {
    let s = run([...spokenUserTurn('item_u1', null), ...spokenReply('resp_1', 'item_a1', 'item_u1', PILOT.slice(0, 3), { done: false })]);
    s = run([S.responseDone('resp_1', 'cancelled', [], undefined, 'turn_detected')], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one pilot in finance. Then measure', status: 'interrupted' });
    // Late deltas of the cancelled reply do not reappear.
    s = run([S.audioTranscriptDelta('resp_1', 'item_a1', 'the savings ')], s);
    expect(s.byId.item_a1.text).toBe('Start with one pilot in finance. Then measure');
    // 3 × 800 = 2400 ms for the 46 characters that arrived before the cancel (the late delta is not
    // counted): "one" ends at 14/46 × 2400 ≈ 730 ms, "pilot" at ≈ 1043 ms.
    s = run([S.truncated('item_a1', 800)], s);
    expect(s.byId.item_a1).toMatchObject({ text: 'Start with one', status: 'interrupted' });
  });

  it('marks the reply of a failed response failed and keeps its text', () => {
    let s = midReply();
    s = run([S.responseDone('resp_1', 'failed')], s);
    expect(s.byId.item_a1).toMatchObject({ text: PILOT_TEXT, status: 'failed' });
  });
});

describe('transcript reducer: typed turns', () => {
  it('shows a typed turn at once and reconciles it with the server item of the same id', () => {
    let s = run([...spokenReply('resp_0', 'item_a0', null, ['Welcome.'])]);
    s = run([{ type: 'app.user_text', itemId: 'item_t1', text: ' Summarise the EU AI Act. ' } satisfies RealtimeInput], s);
    expect(view(s)[1]).toEqual(['item_t1', 'user', 'Summarise the EU AI Act.', 'pending', 'text']);
    s = run([S.userTextItem('added', 'item_t1', 'item_a0', 'Summarise the EU AI Act.'), S.userTextItem('done', 'item_t1', 'item_a0', 'Summarise the EU AI Act.')], s);
    s = run([
      S.responseCreated('resp_1'),
      S.assistantItem('added', 'item_a1', 'item_t1'),
      S.contentPart('added', 'resp_1', 'item_a1', 'text'),
      S.textDelta('resp_1', 'item_a1', 'It regulates AI '),
      S.textDelta('resp_1', 'item_a1', 'by risk.'),
      S.textDone('resp_1', 'item_a1', 'It regulates AI by risk.'),
      S.responseDone('resp_1', 'completed'),
    ], s);
    expect(view(s)).toEqual([
      ['item_a0', 'assistant', 'Welcome.', 'done', 'voice'],
      ['item_t1', 'user', 'Summarise the EU AI Act.', 'done', 'text'],
      ['item_a1', 'assistant', 'It regulates AI by risk.', 'done', 'text'],
    ]);
  });

  it('adopts the server id for a typed turn the app sent without one, matching by text', () => {
    let s = run([{ type: 'app.user_text', text: 'Hello' } satisfies RealtimeInput]);
    expect(s.turns[0].itemId).toMatch(/^local_text_/);
    s = run([S.userTextItem('added', 'item_srv', null, 'Hello')], s);
    expect(view(s)).toEqual([['item_srv', 'user', 'Hello', 'done', 'text']]);
  });

  it('moves an optimistic typed turn to where the server placed it', () => {
    let s = run([...spokenUserTurn('item_u1', null)]);
    s = run([{ type: 'app.user_text', itemId: 'item_t1', text: 'typed' } satisfies RealtimeInput], s);
    // A reply's text arrives before its item event: it is appended provisionally, after the typed turn.
    s = run([S.responseCreated('resp_1'), S.audioTranscriptDelta('resp_1', 'item_a1', 'Go on.')], s);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u1', 'item_t1', 'item_a1']);
    s = run([S.userTextItem('added', 'item_t1', 'item_a1', 'typed')], s);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u1', 'item_a1', 'item_t1']);
    // The reply's own item event then anchors it after the user turn; nothing moves again.
    s = run([S.assistantItem('added', 'item_a1', 'item_u1'), S.userTextItem('done', 'item_t1', 'item_a1', 'typed')], s);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u1', 'item_a1', 'item_t1']);
  });
});

describe('transcript reducer: robustness', () => {
  it('ignores a replayed event (same event_id) and returns the same state', () => {
    const [delta] = wire([S.audioTranscriptDelta('resp_1', 'item_a1', 'Hi ')]);
    const s1 = transcriptReducer(createTranscriptState(), delta);
    const s2 = transcriptReducer(s1, delta);
    expect(s2).toBe(s1);
    expect(s2.byId.item_a1.text).toBe('Hi ');
  });

  it('never duplicates a turn when item events repeat with new event ids', () => {
    const s = run([
      ...spokenUserTurn('item_u1', null),
      ...spokenUserTurn('item_u1', null),
      S.committed('item_u1', null),
      ...spokenReply('resp_1', 'item_a1', 'item_u1', ['One.']),
      S.assistantItem('added', 'item_a1', 'item_u1'),
      S.assistantItem('done', 'item_a1', 'item_u1', 'One.'),
    ]);
    expect(s.turns.map((t) => t.itemId)).toEqual(['item_u1', 'item_a1']);
    expect(s.byId.item_a1.text).toBe('One.');
  });

  it('ignores unknown and irrelevant events without changing state', () => {
    const s0 = run([...spokenUserTurn('item_u1', null)]);
    const s1 = run(
      [
        { type: 'response.mcp_call.in_progress', event_id: 'event_x1', item_id: 'item_m' },
        { type: 'conversation.item.input_audio_transcription.segment', event_id: 'event_x2', item_id: 'item_u1', text: 'seg' },
        S.rateLimits(),
        S.speechStopped('item_u1'),
        { type: 'app.first_audio' },
        { type: 'app.audio_played', itemId: 'item_unknown', playedMs: 10 },
      ],
      s0,
    );
    expect(s1).toBe(s0);
  });

  it('keeps the turns array when only audio progress changes (cheap re-render)', () => {
    const s0 = run([S.responseCreated('resp_1'), S.assistantItem('added', 'item_a1', null), S.audioTranscriptDelta('resp_1', 'item_a1', 'Hi')]);
    const s1 = run([S.audioDelta('resp_1', 'item_a1', 500)], s0);
    expect(s1).not.toBe(s0);
    expect(s1.turns).toBe(s0.turns);
    expect(s1.spoken.item_a1.audioBytes).toBe(500 * 48);
  });

  it('builds plain text only from turns with something to show', () => {
    const s = run([...spokenUserTurn('item_u1', null), S.responseCreated('resp_1'), S.assistantItem('added', 'item_a1', 'item_u1')]);
    expect(transcriptText(s)).toBe('');
    expect(lastAssistantTurn(s)).toMatchObject({ itemId: 'item_a1', status: 'pending' });
    expect(lastAssistantTurn(createTranscriptState())).toBeUndefined();
  });
});

function wireItem(fields: Record<string, unknown>) {
  return { type: 'conversation.item.added', event_id: `event_w${Math.random().toString(16).slice(2)}`, ...fields };
}

import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../../src/lib/voice-agent/realtime/realtime-events';
import { ACTIVE_RESPONSE_ERROR, createResponseTracker, planInterrupt } from '../../../src/lib/voice-agent/realtime/response-tracker';
import { S, spokenReply, wire } from './realtime-test-support';

function setup() {
  const sent: ClientEvent[] = [];
  const tracker = createResponseTracker((e) => sent.push(e));
  const play = (events: Array<Record<string, unknown>>) => wire(events).forEach((e) => tracker.handle(e));
  const creates = () => sent.filter((e) => e.type === 'response.create').length;
  return { sent, tracker, play, creates };
}

describe('response tracker: sequencing response.create', () => {
  it('sends at once when idle, queues exactly one while a response is active, and sends it after response.done', () => {
    const { tracker, play, creates } = setup();
    expect(tracker.requestResponse()).toBe('sent');
    expect(creates()).toBe(1);
    expect(tracker.isResponseActive).toBe(true); // requested, not yet confirmed

    expect(tracker.requestResponse()).toBe('queued');
    expect(tracker.requestResponse()).toBe('queued');
    expect(creates()).toBe(1);

    play(spokenReply('resp_1', 'item_a1', null, ['One.'], { done: false }));
    expect(tracker.activeResponseId).toBe('resp_1');
    expect(tracker.activeAssistantItemId).toBe('item_a1');
    expect(creates()).toBe(1);

    play([S.responseDone('resp_1', 'completed')]);
    expect(creates()).toBe(2); // the single queued request
    expect(tracker.hasQueuedRequest).toBe(false);

    play(spokenReply('resp_2', 'item_a2', 'item_a1', ['Two.']));
    expect(creates()).toBe(2);
    expect(tracker.isResponseActive).toBe(false);
    expect(tracker.activeResponseId).toBeNull();
  });

  it('queues behind a response the server started on its own (VAD)', () => {
    const { tracker, play, creates } = setup();
    play([S.responseCreated('resp_vad')]);
    expect(tracker.requestResponse()).toBe('queued');
    expect(creates()).toBe(0);
    play([S.responseDone('resp_vad', 'completed')]);
    expect(creates()).toBe(1);
  });

  it('does not free the conversation on a response.done for another response', () => {
    const { tracker, play, creates } = setup();
    play([S.responseCreated('resp_1')]);
    tracker.requestResponse();
    play([S.responseDone('resp_other', 'completed')]);
    expect(creates()).toBe(0);
    expect(tracker.activeResponseId).toBe('resp_1');
  });

  it('asks again after the active response when the server refuses ours as concurrent', () => {
    const { tracker, sent, play, creates } = setup();
    tracker.requestResponse();
    const ours = sent[0].event_id;
    // A VAD response was created just before ours reached the server.
    play([S.responseCreated('resp_vad'), S.error(ACTIVE_RESPONSE_ERROR, ours)]);
    expect(tracker.hasQueuedRequest).toBe(true);
    expect(creates()).toBe(1);
    play([S.responseDone('resp_vad', 'completed')]);
    expect(creates()).toBe(2);
  });

  it('does not retry after any other error for its request, nor react to errors for other events', () => {
    const { tracker, sent, play, creates } = setup();
    tracker.requestResponse();
    play([S.error('invalid_value', 'event_someone_else')]);
    expect(tracker.isResponseActive).toBe(true);
    play([S.error('invalid_value', sent[0].event_id)]);
    expect(tracker.isResponseActive).toBe(false);
    expect(tracker.hasQueuedRequest).toBe(false);
    expect(tracker.requestResponse()).toBe('sent');
    expect(creates()).toBe(2);
  });

  it('forgets everything on reset (a new connection)', () => {
    const { tracker, play } = setup();
    play([S.responseCreated('resp_1')]);
    tracker.requestResponse();
    tracker.reset();
    expect(tracker.isResponseActive).toBe(false);
    expect(tracker.hasQueuedRequest).toBe(false);
    expect(tracker.requestResponse()).toBe('sent');
  });
});

describe('response tracker: what is playing', () => {
  it('follows the WebRTC output buffer', () => {
    const { tracker, play } = setup();
    play(spokenReply('resp_1', 'item_a1', null, ['Hello.'], { done: false }));
    play([S.bufferStarted('resp_1')]);
    expect(tracker.playing).toEqual({ itemId: 'item_a1', responseId: 'resp_1', playedMs: null });
    play([S.responseDone('resp_1', 'completed')]);
    expect(tracker.playing?.itemId).toBe('item_a1'); // still audible after generation ended
    play([S.bufferStopped('resp_1')]);
    expect(tracker.playing).toBeNull();
  });

  it('follows the playback the WebSocket transport reports', () => {
    const { tracker, play } = setup();
    play(spokenReply('resp_1', 'item_a1', null, ['Hello.']));
    tracker.handle({ type: 'app.audio_played', itemId: 'item_a1', playedMs: 640 });
    expect(tracker.playing).toEqual({ itemId: 'item_a1', responseId: 'resp_1', playedMs: 640 });
    tracker.handle({ type: 'app.playback_ended', itemId: 'item_other' });
    expect(tracker.playing).not.toBeNull();
    tracker.handle({ type: 'app.playback_ended', itemId: 'item_a1' });
    expect(tracker.playing).toBeNull();
  });
});

describe('planInterrupt', () => {
  it('WebRTC: cancels the active response and clears the output buffer', () => {
    const { tracker, play } = setup();
    play(spokenReply('resp_1', 'item_a1', null, ['Hello.'], { done: false }));
    play([S.bufferStarted('resp_1')]);
    const events = planInterrupt(tracker, { transport: 'webrtc' });
    expect(events.map((e) => e.type)).toEqual(['response.cancel', 'output_audio_buffer.clear']);
    expect(events[0]).toMatchObject({ response_id: 'resp_1' });
  });

  it('WebSocket: truncates the playing item at what was played, and cancels only if still generating', () => {
    const { tracker, play } = setup();
    play(spokenReply('resp_1', 'item_a1', null, ['Hello.']));
    tracker.handle({ type: 'app.audio_played', itemId: 'item_a1', playedMs: 700 });
    const events = planInterrupt(tracker, { transport: 'websocket', playedMs: 812.6 });
    expect(events).toEqual([{ type: 'conversation.item.truncate', event_id: expect.any(String), item_id: 'item_a1', content_index: 0, audio_end_ms: 812 }]);
  });

  it('does nothing when nothing is generating or playing', () => {
    const { tracker } = setup();
    expect(planInterrupt(tracker, { transport: 'webrtc' })).toEqual([]);
    expect(planInterrupt(tracker, { transport: 'websocket', playedMs: 100 })).toEqual([]);
  });
});

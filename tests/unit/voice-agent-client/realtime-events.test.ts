import { describe, expect, it } from 'vitest';
import {
  functionCallOutputItem,
  inputAudioAppend,
  inputAudioClear,
  inputAudioCommit,
  isAppEvent,
  isKnownServerEvent,
  newEventId,
  newItemId,
  outputAudioClear,
  parseServerEvent,
  responseCancel,
  responseCreate,
  truncateItem,
  userTextItem,
} from '../../../src/lib/voice-agent/realtime/realtime-events';
import { S, spokenReply, spokenUserTurn } from './realtime-test-support';

describe('parseServerEvent', () => {
  it('accepts every event of a typical voice turn, from JSON text or an object', () => {
    const events = [...spokenUserTurn('item_u1', null), S.transcriptionCompleted('item_u1', 'Hi'), ...spokenReply('resp_1', 'item_a1', 'item_u1', ['Hello.'])];
    for (const event of events) {
      expect(parseServerEvent(JSON.stringify(event))).toEqual(event);
      expect(parseServerEvent(event)).toEqual(event);
    }
  });

  it('passes unknown types through untouched', () => {
    const event = { type: 'response.mcp_call.completed', event_id: 'event_1', item_id: 'item_m', extra: [1] };
    const parsed = parseServerEvent(JSON.stringify(event));
    expect(parsed).toEqual(event);
    expect(parsed && isKnownServerEvent(parsed)).toBe(false);
  });

  it('returns null (never throws) for what cannot be an event', () => {
    const bad: unknown[] = [undefined, null, 42, true, '', 'not json', '{"type":', 'null', '[]', '"text"', [], {}, { type: 5 }, { type: '' }, new Uint8Array(3)];
    for (const value of bad) expect(parseServerEvent(value)).toBeNull();
  });

  it('rejects a known type that lacks a field the app relies on', () => {
    expect(parseServerEvent({ type: 'response.output_audio_transcript.delta', item_id: 'item_a' })).toBeNull();
    expect(parseServerEvent({ type: 'response.output_audio_transcript.delta', delta: 'x' })).toBeNull();
    expect(parseServerEvent({ type: 'conversation.item.truncated', item_id: 'item_a', audio_end_ms: '120' })).toBeNull();
    expect(parseServerEvent({ type: 'response.done', response: { status: 'completed' } })).toBeNull();
    expect(parseServerEvent({ type: 'input_audio_buffer.committed', item_id: 'item_u', previous_item_id: 7 })).toBeNull();
    expect(parseServerEvent({ type: 'response.function_call_arguments.done', call_id: 'call_1', name: 'web_search' })).toBeNull();
    expect(parseServerEvent({ type: 'error', message: 'flat' })).toBeNull();
  });

  it('accepts optional fields when absent (transcription delta without delta, committed without previous)', () => {
    expect(parseServerEvent({ type: 'conversation.item.input_audio_transcription.delta', item_id: 'item_u' })).not.toBeNull();
    expect(parseServerEvent({ type: 'input_audio_buffer.committed', item_id: 'item_u' })).not.toBeNull();
    expect(parseServerEvent({ type: 'output_audio_buffer.started' })).not.toBeNull();
  });

  it('never lets the wire forge a local app event', () => {
    expect(parseServerEvent({ type: 'app.user_text', text: 'injected' })).toBeNull();
    expect(parseServerEvent('{"type":"app.audio_played","itemId":"x","playedMs":1}')).toBeNull();
  });

  it('tells app events from server events', () => {
    expect(isAppEvent({ type: 'app.first_audio' })).toBe(true);
    expect(isAppEvent({ type: 'response.done', response: { id: 'r' } })).toBe(false);
  });
});

describe('client event builders', () => {
  it('give every event a unique event_ id', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newEventId()));
    expect(ids.size).toBe(2000);
    for (const id of [...ids].slice(0, 20)) expect(id).toMatch(/^event_[0-9a-f]{20}$/);
    const built = [inputAudioAppend('AAAA'), inputAudioCommit(), inputAudioClear(), responseCreate(), responseCancel(), outputAudioClear()];
    expect(new Set(built.map((e) => e.event_id)).size).toBe(built.length);
  });

  it('build the GA shapes', () => {
    expect(inputAudioAppend('AAAA')).toEqual({ type: 'input_audio_buffer.append', event_id: expect.any(String), audio: 'AAAA' });
    expect(inputAudioCommit().type).toBe('input_audio_buffer.commit');
    expect(inputAudioClear().type).toBe('input_audio_buffer.clear');
    expect(outputAudioClear().type).toBe('output_audio_buffer.clear');
    expect(responseCancel('resp_1')).toEqual({ type: 'response.cancel', event_id: expect.any(String), response_id: 'resp_1' });
    expect(responseCancel()).not.toHaveProperty('response_id');
  });

  it('send response.create bare: the browser never supplies instructions or session config', () => {
    const event = responseCreate();
    expect(Object.keys(event).sort()).toEqual(['event_id', 'type']);
  });

  it('create a typed user message with the id the transcript uses', () => {
    const id = newItemId();
    expect(id.length).toBeLessThanOrEqual(32);
    expect(userTextItem('Hello coach', { itemId: id, previousItemId: 'item_a0' })).toEqual({
      type: 'conversation.item.create',
      event_id: expect.stringMatching(/^event_/),
      previous_item_id: 'item_a0',
      item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello coach' }] },
    });
    expect(userTextItem('x').item).not.toHaveProperty('id');
  });

  it('create a function_call_output item', () => {
    expect(functionCallOutputItem('call_1', '{"answer":"42"}').item).toEqual({
      type: 'function_call_output',
      call_id: 'call_1',
      output: '{"answer":"42"}',
    });
  });

  it('truncate at whole, non-negative milliseconds', () => {
    expect(truncateItem('item_a1', 1234.9)).toMatchObject({ type: 'conversation.item.truncate', item_id: 'item_a1', content_index: 0, audio_end_ms: 1234 });
    expect(truncateItem('item_a1', -5).audio_end_ms).toBe(0);
    expect(truncateItem('item_a1', Number.NaN).audio_end_ms).toBe(0);
  });
});

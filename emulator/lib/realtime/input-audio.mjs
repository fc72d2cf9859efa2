// The input audio buffer: WebSocket appends and WebRTC mic audio feed one VAD (vad.mjs).
// Server VAD: speech_started → (barge-in) → speech_stopped → committed → user item added/done →
// transcription delta… / completed (scripted transcript) → a response when create_response is on.
// Manual turns (turn_detection null): input_audio_buffer.commit / .clear.
import { apiError } from '../errors.mjs';
import { userLine } from './conversation-script.mjs';
import { itemId } from './ids.mjs';
import { transcriptionUsage } from './usage.mjs';
import { createVad, vadParams } from './vad.mjs';

/** Minimum audio for a manual commit (ms). */
export const MIN_COMMIT_MS = 100;

/** @param {any} S engine context */
export function createInputAudio(S) {
  const vad = createVad(() => vadParams(S.session.audio?.input?.turn_detection));
  let bufferStartMs = 0; // audio timeline position where the uncommitted buffer starts
  /** @type {{ itemId: string, audioStartMs: number } | null} */
  let speech = null;

  /** Commit [startMs, endMs) as a user audio item, then transcribe it. */
  function commit(id, startMs, endMs) {
    const turn = S.nextTurn();
    const previous = S.conversation.lastId();
    S.send({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: id });
    const item = { id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    S.conversation.insert(item);
    Object.assign(S.conversation.meta(id), { turn, audioMs: Math.max(0, endMs - startMs) });
    S.send({ type: 'conversation.item.added', previous_item_id: previous, item: JSON.parse(JSON.stringify(item)) });
    S.send({ type: 'conversation.item.done', previous_item_id: previous, item: JSON.parse(JSON.stringify(item)) });
    const transcript = userLine(S.script, turn);
    S.record.add('userTurns', { item_id: id, turn, transcript, audio_ms: Math.max(0, endMs - startMs) });
    const transcription = S.session.audio?.input?.transcription;
    if (transcription) transcribe(id, transcript, transcription.model, Math.max(0, endMs - startMs));
    bufferStartMs = endMs;
  }

  /** Scripted transcription: a few deltas (whisper-1: one), then completed. */
  function transcribe(id, transcript, model, audioMs) {
    const words = transcript.split(' ');
    const n = model === 'whisper-1' ? 1 : Math.min(3, words.length);
    const per = Math.ceil(words.length / n);
    const deltas = [];
    for (let i = 0; i < words.length; i += per) deltas.push((i ? ' ' : '') + words.slice(i, i + per).join(' '));
    const step = Math.max(1, Math.round(S.timing.transcriptionDelayMs / 2));
    deltas.forEach((delta, i) => S.setTimer(() => S.send({ type: 'conversation.item.input_audio_transcription.delta', item_id: id, content_index: 0, delta }), S.timing.transcriptionDelayMs + i * step));
    S.setTimer(() => {
      const item = S.conversation.get(id);
      if (item?.content?.[0]?.type === 'input_audio') item.content[0].transcript = transcript;
      S.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript, usage: transcriptionUsage(audioMs, transcript) });
    }, S.timing.transcriptionDelayMs + deltas.length * step);
  }

  /** @param {import('./vad.mjs').VadEvent} e */
  function onVad(e) {
    const td = S.session.audio?.input?.turn_detection;
    if (e.type === 'start') {
      speech = { itemId: itemId(), audioStartMs: e.audioStartMs };
      S.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(e.audioStartMs), item_id: speech.itemId });
      if (td?.interrupt_response) S.bargeIn();
      return;
    }
    if (!speech) return;
    const { itemId: id, audioStartMs } = speech;
    speech = null;
    S.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(e.audioEndMs), item_id: id });
    commit(id, audioStartMs, e.audioEndMs);
    if (td?.create_response && S.session.type === 'realtime') S.requestAutoResponse();
  }

  return {
    /** Feed decoded PCM16 24 kHz. @param {Int16Array} pcm */
    append(pcm) {
      S.record.rec.totals.inputAudioMs += pcm.length / 24;
      for (const e of vad.push(pcm)) {
        onVad(e);
        if (S.closed) return;
      }
    },
    /** ms of uncommitted audio. */
    get bufferedMs() {
      return vad.positionMs - bufferStartMs;
    },
    /** input_audio_buffer.commit @param {string|null} eventId */
    commit(eventId) {
      const ms = vad.positionMs - bufferStartMs;
      if (ms < MIN_COMMIT_MS) {
        return S.replyError(apiError(400, `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`, { code: 'input_audio_buffer_commit_empty' }), eventId);
      }
      const id = speech?.itemId ?? itemId();
      speech = null;
      const end = vad.positionMs;
      vad.reset();
      commit(id, bufferStartMs, end);
    },
    /** input_audio_buffer.clear */
    clear() {
      speech = null;
      vad.reset();
      bufferStartMs = vad.positionMs;
      S.send({ type: 'input_audio_buffer.cleared' });
    },
  };
}

// One model response, paced over real time so a client can barge in (§4.3, §4.5, §5).
// Audio message: response.created → rate_limits.updated → response.output_item.added →
// conversation.item.added → response.content_part.added → (response.output_audio_transcript.delta +
// response.output_audio.delta…) per word [WebRTC: wire.playAudio + output_audio_buffer.started instead of
// audio deltas] → response.output_audio.done → response.output_audio_transcript.done →
// response.content_part.done → conversation.item.done → response.output_item.done → response.done.
// Text: response.output_text.delta / .done. Function call: response.function_call_arguments.delta… / .done.
// Cancellation is synchronous: the closing events and response.done (status cancelled) are sent at once.
import { encodeAudio, SAMPLES_PER_MS, synthesizeSpeech } from './audio-synth.mjs';
import { functionCallId, itemId, realtimeResponseId } from './ids.mjs';
import { planResponse } from './response-plan.mjs';
import { cacheableTokens, inputTotal, inputUsage, outputAudioTokens, rateLimits, responseUsage, textTokens } from './usage.mjs';

const clone = (v) => JSON.parse(JSON.stringify(v));
const AUDIO_CHUNK_MS = 200;

/** The effective config of one response: the session, overridden by response.create's `response`. */
function responseConfig(session, o = {}) {
  const out = session.audio?.output ?? {};
  return {
    output_modalities: o.output_modalities ?? session.output_modalities ?? ['audio'],
    instructions: o.instructions ?? session.instructions ?? '',
    tools: o.tools ?? session.tools ?? [],
    tool_choice: o.tool_choice ?? session.tool_choice ?? 'auto',
    max_output_tokens: o.max_output_tokens ?? session.max_output_tokens ?? 'inf',
    voice: o.audio?.output?.voice ?? out.voice ?? 'alloy',
    format: o.audio?.output?.format ?? out.format ?? { type: 'audio/pcm', rate: 24000 },
    conversation: o.conversation ?? 'auto',
    metadata: o.metadata ?? null,
  };
}

/** @param {any} S @param {any} r @param {string} status @param {any} details @param {any} usage */
function responseObject(S, r, status, details, usage) {
  return {
    object: 'realtime.response', id: r.id, status, status_details: details,
    output: r.outputs.map(clone),
    conversation_id: r.outOfBand ? null : S.conversation.id,
    output_modalities: r.cfg.output_modalities, max_output_tokens: r.cfg.max_output_tokens,
    audio: { output: { format: r.cfg.format, voice: r.cfg.voice } },
    usage, metadata: r.cfg.metadata,
  };
}

/** Sleep within a response; resolves early when it is cancelled or the session closes. */
function pause(r, ms) {
  return new Promise((resolve) => {
    if (r.finished || ms <= 0) return resolve(undefined);
    r.wake = resolve;
    r.timer = setTimeout(() => {
      r.timer = null;
      r.wake = null;
      resolve(undefined);
    }, ms);
  });
}

/**
 * Start a response. Returns the runner, or null when a fault turned it into an `error` event.
 * @param {any} S engine context @param {{ overrides?: any, eventId?: string|null }} req
 */
export function startResponse(S, req = {}) {
  if (S.faults.errorEvent) {
    const e = S.faults.errorEvent;
    S.faults.errorEvent = null;
    S.sendError({ type: e.type ?? 'server_error', code: e.code ?? null, message: e.message ?? 'The server had an error while processing your request. Sorry about that!', param: e.param ?? null, eventId: req.eventId ?? null });
    return null;
  }
  const cfg = responseConfig(S.session, req.overrides);
  const r = {
    id: realtimeResponseId(), cfg, outOfBand: cfg.conversation === 'none', outputs: /** @type {any[]} */ ([]),
    finished: false, timer: /** @type {any} */ (null), wake: /** @type {any} */ (null), current: /** @type {any} */ (null),
    output: { text: 0, audio: 0 }, input: inputUsage(cfg, S.conversation.all(), (id) => S.conversation.meta(id)), cached: S.cachedTokens,
    /** @param {'turn_detected'|'client_cancelled'} reason */
    cancel: (reason) => finish(S, r, 'cancelled', { type: 'cancelled', reason }),
  };
  if (!r.outOfBand) S.active = r;
  S.runners.add(r);
  S.record.rec.responses.created++;
  S.send({ type: 'response.created', response: responseObject(S, r, 'in_progress', null, null) });
  S.send({ type: 'rate_limits.updated', rate_limits: rateLimits(inputTotal(r.input), cfg.max_output_tokens) });
  run(S, r).catch((err) => S.internalError(err));
  return r;
}

async function run(S, r) {
  await pause(r, S.timing.responseDelayMs);
  if (r.finished) return;
  const failure = S.faults.failResponse ?? S.modelError;
  if (failure) {
    if (S.faults.failResponse) S.faults.failResponse = null;
    return finish(S, r, 'failed', { type: 'failed', error: { type: failure.type ?? 'server_error', code: failure.code ?? null, message: failure.message ?? 'The response failed.' } });
  }
  const plan = planResponse(S, r.cfg, r.outOfBand);
  if (plan.kind === 'function_call') return runFunctionCall(S, r, plan);
  return runMessage(S, r, plan.text);
}

/** Add an output item (and its conversation item). @param {any} S @param {any} r @param {any} item */
function addItem(S, r, item) {
  r.outputs.push(item);
  const output_index = r.outputs.length - 1;
  S.send({ type: 'response.output_item.added', response_id: r.id, output_index, item: clone(item) });
  if (!r.outOfBand) {
    const previous = S.conversation.insert(item);
    S.send({ type: 'conversation.item.added', previous_item_id: previous, item: clone(item) });
  }
  return output_index;
}

/** Close the current output item (done events). Item status: completed | incomplete. */
function closeItem(S, r, status) {
  const c = r.current;
  if (!c || c.closed) return;
  c.closed = true;
  const ids = { response_id: r.id, item_id: c.item.id, output_index: c.outputIndex };
  if (c.kind === 'function_call') {
    S.send({ type: 'response.function_call_arguments.done', ...ids, call_id: c.item.call_id, name: c.item.name, arguments: c.args });
    Object.assign(c.item, { status, arguments: c.args });
    r.output.text += textTokens(c.item.name) + textTokens(c.args);
  } else {
    const text = c.words.map((w) => w.word).join(' ');
    const part = { ...ids, content_index: 0 };
    if (c.audio) {
      S.send({ type: 'response.output_audio.done', ...part });
      S.send({ type: 'response.output_audio_transcript.done', ...part, transcript: text });
      S.send({ type: 'response.content_part.done', ...part, part: { type: 'audio', transcript: text } });
    } else {
      S.send({ type: 'response.output_text.done', ...part, text });
      S.send({ type: 'response.content_part.done', ...part, part: { type: 'text', text } });
    }
    const meta = S.conversation.meta(c.item.id);
    meta.words = c.words;
    meta.audioMs = c.audioMs;
    const kept = meta.truncatedMs == null ? text : c.words.filter((w) => w.endMs <= meta.truncatedMs).map((w) => w.word).join(' ');
    if (meta.truncatedMs != null) meta.audioMs = Math.min(c.audioMs, meta.truncatedMs);
    Object.assign(c.item, { status, content: [c.audio ? { type: 'output_audio', transcript: kept } : { type: 'output_text', text: kept }] });
    r.output.text += textTokens(text);
    r.output.audio += outputAudioTokens(c.audioMs);
    r.logText = text;
  }
  if (!r.outOfBand && S.conversation.has(c.item.id)) S.send({ type: 'conversation.item.done', item: clone(c.item) });
  S.send({ type: 'response.output_item.done', response_id: r.id, output_index: c.outputIndex, item: clone(c.item) });
}

/**
 * End a response: close the open item, send response.done. Synchronous; returns false if already over.
 * @param {any} S @param {any} r @param {'completed'|'cancelled'|'incomplete'|'failed'} status @param {any} details
 */
export function finish(S, r, status, details) {
  if (r.finished) return false;
  r.finished = true;
  S.runners.delete(r);
  if (r.timer) clearTimeout(r.timer);
  r.wake?.();
  if (S.closed) return true;
  closeItem(S, r, status === 'completed' ? 'completed' : 'incomplete');
  const usage = responseUsage(r.input, r.output, r.cached);
  S.cachedTokens = cacheableTokens(usage.input_tokens);
  S.send({ type: 'response.done', response: responseObject(S, r, status, details, usage) });
  if (S.active === r) S.active = null;
  const rec = S.record.rec;
  rec.responses[status] = (rec.responses[status] ?? 0) + 1;
  const c = r.current;
  S.record.add('responseLog', {
    id: r.id, status, reason: details?.reason ?? details?.error?.code ?? null,
    kind: c ? (c.kind === 'function_call' ? 'function_call' : c.audio ? 'audio' : 'text') : null,
    text: r.logText ?? null, ...(c?.kind === 'function_call' ? { name: c.item.name, arguments: c.args } : {}),
    output_item_id: c?.item.id ?? null,
  });
  S.onResponseFinished(r);
  return true;
}

async function runFunctionCall(S, r, plan) {
  const item = { id: itemId(), object: 'realtime.item', type: 'function_call', status: 'in_progress', name: plan.name, call_id: functionCallId(), arguments: '' };
  r.current = { kind: 'function_call', item, args: '', outputIndex: 0 };
  r.current.outputIndex = addItem(S, r, item);
  if (!r.outOfBand) S.conversation.meta(item.id).turn = plan.turn;
  const n = 3;
  const size = Math.ceil(plan.arguments.length / n);
  for (let i = 0; i < plan.arguments.length; i += size) {
    await pause(r, Math.round(S.timing.textMsPerWord));
    if (r.finished) return;
    const delta = plan.arguments.slice(i, i + size);
    r.current.args += delta;
    S.send({ type: 'response.function_call_arguments.delta', response_id: r.id, item_id: item.id, output_index: r.current.outputIndex, call_id: item.call_id, delta });
  }
  finish(S, r, 'completed', null);
}

async function runMessage(S, r, text) {
  const audio = !r.cfg.output_modalities.includes('text');
  const item = { id: itemId(), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  r.current = { kind: 'message', item, audio, words: [], audioMs: 0, outputIndex: 0 };
  r.current.outputIndex = addItem(S, r, item);
  const ids = { response_id: r.id, item_id: item.id, output_index: r.current.outputIndex, content_index: 0 };
  S.send({ type: 'response.content_part.added', ...ids, part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });
  const max = r.cfg.max_output_tokens === 'inf' ? Infinity : r.cfg.max_output_tokens;
  const speech = synthesizeSpeech(text, { msPerChar: S.timing.msPerChar, voice: typeof r.cfg.voice === 'string' ? r.cfg.voice : undefined });
  let used = 0;
  for (let k = 0; k < speech.words.length; k++) {
    const w = speech.words[k];
    const delta = (k ? ' ' : '') + w.word;
    const slotMs = (w.end - w.start) / SAMPLES_PER_MS;
    used += textTokens(delta) + (audio ? outputAudioTokens(slotMs) : 0);
    if (used > max) return finish(S, r, 'incomplete', { type: 'incomplete', reason: 'max_output_tokens' });
    r.current.words.push({ word: w.word, startMs: w.startMs, endMs: w.endMs });
    if (!audio) {
      S.send({ type: 'response.output_text.delta', ...ids, delta });
      await pause(r, S.timing.textMsPerWord);
      if (r.finished) return;
      continue;
    }
    S.send({ type: 'response.output_audio_transcript.delta', ...ids, delta });
    const pcm = speech.pcm.subarray(w.start, w.end);
    S.audioProduced = true;
    if (S.kind === 'webrtc') S.playAudio(r, item.id, pcm);
    else {
      const chunk = AUDIO_CHUNK_MS * SAMPLES_PER_MS;
      for (let o = 0; o < pcm.length; o += chunk)
        S.send({ type: 'response.output_audio.delta', ...ids, delta: encodeAudio(pcm.subarray(o, o + chunk), r.cfg.format) });
    }
    r.current.audioMs = w.end / SAMPLES_PER_MS;
    await pause(r, slotMs / S.timing.audioSpeed);
    if (r.finished) return;
  }
  finish(S, r, 'completed', null);
}

// POST /v1/audio/speech (§9.2): real, playable audio whose length follows the text (≈ 60 ms per character):
// espeak-ng speech when installed, else a voiced tone. The body is streamed in chunks (chunked transfer),
// or as `speech.audio.delta` / `speech.audio.done` events with `stream_format: "sse"`.
import { encodeChunks } from '../lib/audio-encode.mjs';
import { oggOpusChunks } from '../lib/audio-ogg-opus.mjs';
import { CONTENT_TYPES, speechUsage, validateSpeechBody } from '../lib/audio-speech.mjs';
import { textToPcm } from '../lib/audio-tts.mjs';
import { dataFrame, takeStreamFaults, writePaced } from '../lib/chat-stream.mjs';
import { baseHeaders, rateLimitHeaders } from '../lib/http.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

/** @param {'mp3'|'opus'|'flac'|'wav'|'pcm'} format @param {Int16Array} pcm */
const audioChunks = (format, pcm) => (format === 'opus' ? oggOpusChunks(pcm) : encodeChunks(format, pcm));

/** @param {AsyncIterable<Buffer>|Iterable<Buffer>} chunks @param {string} input @param {number} samples */
async function* sseEvents(chunks, input, samples) {
  for await (const c of chunks) yield dataFrame({ type: 'speech.audio.delta', audio: c.toString('base64') });
  yield dataFrame({ type: 'speech.audio.done', usage: speechUsage(input, samples) });
}

/** @param {RouteEnv & { faults?: any, fallback?: ReturnType<import('../lib/chat-audio-settings.mjs').createFallbackSettings> }} env */
export async function createSpeech(env) {
  const body = /** @type {any} */ (env.body);
  const invalid = validateSpeechBody(body);
  if (invalid) return invalid;

  const format = body.response_format ?? 'mp3';
  const config = env.fallback?.config;
  const voice = typeof body.voice === 'string' ? body.voice : 'alloy';
  const { pcm, source } = await textToPcm(body.input, {
    voice, speed: body.speed ?? 1, engine: config?.speechEngine, espeakPath: config?.espeakPath });

  const { ctx } = env;
  const { res } = ctx;
  if (res.destroyed || res.writableEnded) return { handled: true };
  const fx = takeStreamFaults(env.faults, 'audio.speech');
  const sse = body.stream_format === 'sse';
  res.writeHead(200, {
    ...baseHeaders(ctx),
    ...rateLimitHeaders(env.state.total()),
    'content-type': sse ? 'text/event-stream; charset=utf-8' : CONTENT_TYPES[/** @type {keyof CONTENT_TYPES} */ (format)],
    'cache-control': 'no-cache',
    // emulator-only: how the audio was made, and its duration (mp3 is silent: no MP3 encoder here)
    'x-emulator-audio-source': format === 'mp3' ? 'silence' : source,
    'x-emulator-audio-duration-ms': String(Math.round(pcm.length / 24)),
    'access-control-expose-headers': 'x-request-id, openai-processing-ms, x-emulator-audio-source, x-emulator-audio-duration-ms',
  });
  const chunks = audioChunks(format, pcm);
  await writePaced(ctx, sse ? sseEvents(chunks, body.input, pcm.length) : chunks, {
    intervalMs: config?.speechChunkMs ?? 0, afterEvents: fx.afterEvents, afterMs: fx.afterMs });
  return { handled: true };
}

// POST /v1/audio/transcriptions (§9.3): multipart upload (≤ 25 MiB) → a deterministic transcript: the
// next text of the transcript list for the caller's key (control API), then the default sentence; silent
// PCM16 WAV → empty text. json / text / srt / vtt / verbose_json / diarized_json, or SSE with
// `stream=true` on the gpt-4o models.
import { MAX_CONTENT_BYTES, contentTooLarge, inspectAudio, parseForm, readTranscriptionForm, transcriptionBody } from '../lib/audio-transcribe.mjs';
import { dataFrame, wordDeltas, writePaced } from '../lib/chat-stream.mjs';
import { baseHeaders, rateLimitHeaders } from '../lib/http.mjs';
import { DEFAULT_TRANSCRIPT } from '../lib/chat-audio-settings.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

export const TRANSCRIPTION_MAX_BYTES = MAX_CONTENT_BYTES;
export const transcriptionTooLarge = contentTooLarge;

/** @param {RouteEnv & { faults?: any, fallback?: ReturnType<import('../lib/chat-audio-settings.mjs').createFallbackSettings> }} env */
export async function createTranscription(env) {
  const form = await parseForm(env.raw, env.ctx.req.headers['content-type']);
  if ('error' in form) return form;
  const req = await readTranscriptionForm(/** @type {FormData} */ (form), { realtimeAccess: env.realtimeAccess });
  if ('error' in req) return req;

  const { seconds, silent } = inspectAudio(req.bytes);
  const text = silent ? '' : env.fallback?.nextTranscript(env.key ?? '') ?? DEFAULT_TRANSCRIPT;
  const out = transcriptionBody(req, text, seconds);
  const { ctx } = env;
  const headers = { ...rateLimitHeaders(env.state.total()) };

  if (req.stream) {
    const usage = /** @type {any} */ (transcriptionBody({ ...req, format: 'json' }, text, seconds).body).usage;
    const frames = [...wordDeltas(text).map((delta) => dataFrame({ type: 'transcript.text.delta', delta })),
      dataFrame({ type: 'transcript.text.done', text, usage })];
    ctx.res.writeHead(200, { ...baseHeaders(ctx), ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    await writePaced(ctx, frames, { intervalMs: env.fallback?.config.chatChunkMs ?? 15 });
    return { handled: true };
  }
  if (typeof out.body === 'object') return { status: 200, body: out.body, headers };
  const payload = Buffer.from(out.body, 'utf8');
  ctx.res.writeHead(200, { ...baseHeaders(ctx), ...headers, 'content-type': out.contentType, 'content-length': String(payload.length) });
  ctx.res.end(payload);
  return { handled: true };
}

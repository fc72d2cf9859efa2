// POST /v1/chat/completions (§9.1): deterministic coaching replies, a web_search tool call when the user
// asks to check or look something up, and an answer from the tool result. JSON, or SSE with `stream: true`
// (paced chat.completion.chunk frames, then `data: [DONE]`).
import { buildCompletion } from '../lib/chat-build.mjs';
import { completionChunks, dataFrame, takeStreamFaults, writePaced } from '../lib/chat-stream.mjs';
import { validateChatBody } from '../lib/chat-validate.mjs';
import { baseHeaders, rateLimitHeaders } from '../lib/http.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

/** @param {RouteEnv & { faults?: any, fallback?: ReturnType<import('../lib/chat-audio-settings.mjs').createFallbackSettings> }} env */
export async function createChatCompletion(env) {
  const body = /** @type {any} */ (env.body);
  const invalid = validateChatBody(body, { realtimeAccess: env.realtimeAccess });
  if (invalid) return invalid;

  const completion = buildCompletion(body, { now: env.now });
  if (body.stream !== true) return { status: 200, body: completion };

  const { ctx } = env;
  const { res } = ctx;
  if (res.destroyed || res.writableEnded) return { handled: true };
  const fx = takeStreamFaults(env.faults, 'chat.completions');
  res.writeHead(200, {
    ...baseHeaders(ctx),
    ...rateLimitHeaders(env.state.total()),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const chunks = completionChunks(completion, {
    includeUsage: body.stream_options?.include_usage === true,
    obfuscation: body.stream_options?.include_obfuscation !== false,
  });
  /** @type {string[]} */
  let frames = [...chunks.map(dataFrame), dataFrame('[DONE]')];
  // errorEvent fault: the stream fails after its first chunk with an `error` frame (the SDK throws APIError).
  if (fx.errorEvent) {
    const e = fx.errorEvent;
    frames = [frames[0], dataFrame({ error: { message: e.message ?? 'The server had an error while processing your request. Sorry about that!',
      type: e.type ?? 'server_error', param: e.param ?? null, code: e.code ?? null } })];
  }
  await writePaced(ctx, frames, { intervalMs: env.fallback?.config.chatChunkMs ?? 15, afterEvents: fx.afterEvents, afterMs: fx.afterMs });
  return { handled: true };
}

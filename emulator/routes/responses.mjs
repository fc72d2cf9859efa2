// POST /v1/responses (§8): text answers, optionally grounded by an emulated web search.
// JSON for `stream` false/absent; server-sent events (written here) for `stream: true`.
import { baseHeaders, rateLimitHeaders } from '../lib/http.mjs';
import { buildResponse } from '../lib/responses-build.mjs';
import { responseEvents, sseFrame } from '../lib/responses-stream.mjs';
import { validateResponsesBody } from '../lib/responses-validate.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

/** @param {RouteEnv} env */
export function createResponse(env) {
  const body = /** @type {any} */ (env.body);
  const invalid = validateResponsesBody(body);
  if (invalid) return invalid;

  const response = buildResponse(body, { now: env.now });
  if (body.stream !== true) return { status: 200, body: response };

  const { res } = env.ctx;
  if (res.destroyed || res.writableEnded) return { handled: true };
  res.writeHead(200, {
    ...baseHeaders(env.ctx),
    ...rateLimitHeaders(env.state.total()),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const event of responseEvents(response)) res.write(sseFrame(event));
  res.end();
  return { handled: true };
}

// Low-level HTTP helpers: body reading, JSON replies with OpenAI's response headers, CORS.

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'X-OpenAI-Agents-SDK'];

/**
 * @typedef {{ req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse,
 *             requestId: string, started: number }} Ctx
 */

/**
 * Read the request body (up to `limit` bytes).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<{ ok: true, raw: Buffer } | { ok: false, tooLarge: boolean }>}
 */
export function readBody(req, limit = MAX_BODY_BYTES) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = (v) => {
      if (!done) {
        done = true;
        resolve(v);
      }
    };
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        finish({ ok: false, tooLarge: true });
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => finish({ ok: true, raw: Buffer.concat(chunks) }));
    req.on('error', () => finish({ ok: false, tooLarge: false }));
    req.on('close', () => finish({ ok: true, raw: Buffer.concat(chunks) }));
  });
}

/** Parse JSON; undefined means "not valid JSON". @param {Buffer} raw */
export function parseJson(raw) {
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Headers present on every response. @param {Ctx} ctx */
export function baseHeaders(ctx) {
  return {
    'x-request-id': ctx.requestId,
    'openai-version': '2020-10-01',
    'openai-organization': 'org-emulator',
    'openai-processing-ms': String(Math.max(0, Math.round(performance.now() - ctx.started))),
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Location, x-request-id, openai-processing-ms, retry-after, retry-after-ms',
  };
}

/** x-ratelimit-* headers for successful (and rate-limited) answers (§10). @param {number} used */
export function rateLimitHeaders(used = 1, exhausted = false) {
  return {
    'x-ratelimit-limit-requests': '5000',
    'x-ratelimit-limit-tokens': '800000',
    'x-ratelimit-remaining-requests': String(exhausted ? 0 : Math.max(0, 5000 - used)),
    'x-ratelimit-remaining-tokens': String(exhausted ? 0 : 799990),
    'x-ratelimit-reset-requests': exhausted ? '1s' : '12ms',
    'x-ratelimit-reset-tokens': exhausted ? '6m0s' : '0s',
  };
}

/**
 * Send a JSON response.
 * @param {Ctx} ctx @param {number} status @param {unknown} body @param {Record<string,string>} [extra]
 */
export function sendJson(ctx, status, body, extra = {}) {
  const { res } = ctx;
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    ...baseHeaders(ctx),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...extra,
  });
  res.end(payload);
}

/** Send an {error:{…}} envelope. @param {Ctx} ctx @param {import('./errors.mjs').ErrorReply} reply */
export function sendError(ctx, reply) {
  const extra = { ...(reply.headers ?? {}) };
  if (reply.status === 429 && reply.error.code === 'rate_limit_exceeded') Object.assign(extra, rateLimitHeaders(0, true));
  sendJson(ctx, reply.status, { error: reply.error }, extra);
}

/** Answer a CORS preflight. @param {Ctx} ctx */
export function sendPreflight(ctx) {
  const requested = String(ctx.req.headers['access-control-request-headers'] ?? '')
    .split(',').map((h) => h.trim()).filter(Boolean);
  const allow = [...CORS_ALLOW_HEADERS];
  for (const h of requested) if (!allow.some((a) => a.toLowerCase() === h.toLowerCase())) allow.push(h);
  ctx.res.writeHead(204, {
    ...baseHeaders(ctx),
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': allow.join(', '),
    'access-control-max-age': '600',
    'content-length': '0',
  });
  ctx.res.end();
}

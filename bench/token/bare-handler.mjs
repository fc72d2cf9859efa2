/**
 * BASELINE for the token benchmark: a bare `node:http` server doing the token endpoint's essential
 * work and nothing else — no Astro, no middleware, CORS, rate limits, session registry, metrics or
 * logs. The full endpoint is compared against this to see what the platform's machinery costs.
 *
 *   node bench/token/bare-handler.mjs demo
 *   node bench/token/bare-handler.mjs realtime <emulator base url, e.g. http://127.0.0.1:8787>
 *
 * demo:     signs an HS256 JWT with jose, with the app's claims (mode, iss, aud, sub, iat, jti, exp).
 * realtime: POST {emu}/v1/realtime/client_secrets with the app's body (expires_after + the coach
 *           session), via the global fetch — the same HTTP client the OpenAI SDK uses on Node 20.
 * Both answer POST /api/voice-agent/token with `{ success, token, expiresAt, sessionId, mode }`.
 * Prints `{"event":"listening","port":N}` on stdout (PORT env, default 0 = a free port).
 */
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
// The app's own session config (run with `node --import tsx`), so both send the same body.
import { coachRealtimeSession } from '../../src/server/coach/coach-session.ts';

const mode = process.argv[2] ?? 'demo';
const emulatorUrl = (process.argv[3] ?? process.env.EMULATOR_URL ?? '').replace(/\/+$/, '');
if (mode !== 'demo' && mode !== 'realtime') throw new Error(`unknown mode ${mode}`);
if (mode === 'realtime' && !emulatorUrl) throw new Error('realtime mode needs the emulator URL');

const TTL_SECONDS = Number(process.env.TOKEN_TTL_SECONDS ?? 60);
const SECRET = randomBytes(32);
const API_KEY = process.env.OPENAI_API_KEY ?? 'sk-test-realtime';
const MODEL = process.env.OPENAI_REALTIME_MODEL ?? 'gpt-realtime-2.1';
const VOICE = process.env.OPENAI_REALTIME_VOICE ?? 'marin';

const newSessionId = () => `sess_${randomBytes(24).toString('base64url')}`;

async function demoToken() {
  const sessionId = newSessionId();
  const expiresAt = Date.now() + TTL_SECONDS * 1000;
  const token = await new SignJWT({ mode: 'demo' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('executive-ai-coach')
    .setAudience('voice-agent')
    .setSubject(sessionId)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(SECRET);
  return { success: true, token, expiresAt, sessionId, mode: 'demo' };
}

async function realtimeToken() {
  const sessionId = newSessionId();
  const expiresAt = Date.now() + TTL_SECONDS * 1000;
  const res = await fetch(`${emulatorUrl}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      expires_after: { anchor: 'created_at', seconds: TTL_SECONDS },
      session: coachRealtimeSession({ model: MODEL, voice: VOICE }),
    }),
  });
  const secret = await res.json();
  if (!res.ok || typeof secret.value !== 'string') throw new Error(`upstream ${res.status}`);
  return { success: true, token: secret.value, expiresAt: Math.min(expiresAt, secret.expires_at * 1000), sessionId, mode: 'realtime' };
}

const issue = mode === 'demo' ? demoToken : realtimeToken;

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(json);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/voice-agent/token') return send(res, 404, { success: false });
  // Drain the (empty) body first, like the app's readJsonBody, then answer.
  req.resume();
  req.on('end', () => {
    issue().then(
      (body) => send(res, 200, body),
      () => send(res, 502, { success: false }),
    );
  });
});
server.keepAliveTimeout = 5_000; // the app's value
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: server.address().port, mode })}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

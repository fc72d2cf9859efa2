/**
 * Who may use the fallback endpoints: real signed tokens (jose) checked against a real memory session
 * store, so each refusal is the one the doc's table names.
 */
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createFallbackAuth, bearerToken, fallbackAuthDecision } from '../../../src/server/fallback/fallback-auth';
import { ApiError } from '../../../src/server/http/api-error';
import { MemorySessionStore } from '../../../src/server/sessions/memory-session-store';
import { newSessionId } from '../../../src/server/sessions/session-id';
import type { SessionMode, SessionRecord } from '../../../src/server/sessions/session-store';
import { signSessionToken, signingKey } from '../../../src/server/tokens/signed-token';
import type { ApiRequest } from '../../../src/server/api/api-types';

const secret = new TextEncoder().encode('s'.repeat(40));
const key = signingKey(secret);
const ROOMY = { maxPerIp: 100, maxPerInstance: 100, maxTotal: 100 };

function request(authorization?: string): ApiRequest {
  return {
    method: 'POST',
    pathname: '/api/voice-agent/chat',
    header: (name) => (name === 'authorization' ? (authorization ?? null) : null),
    ip: '127.0.0.1',
    protocol: 'http',
    body: () => (async function* () {})(),
    signal: new AbortController().signal,
  };
}

async function setup(mode: SessionMode, tokenMode: 'fallback' | 'demo' = mode === 'demo' ? 'demo' : 'fallback') {
  const sessions = new MemorySessionStore({ sweepIntervalMs: 0 });
  const now = Date.now();
  const record: SessionRecord = { id: newSessionId(), mode, ip: '127.0.0.1', instanceId: 'i', createdAt: now, expiresAt: now + 60_000, refreshCount: 0 };
  await sessions.register(record, ROOMY);
  const token = await signSessionToken(key, { sessionId: record.id, mode: tokenMode, expiresAtMs: record.expiresAt });
  return { auth: createFallbackAuth({ config: { sessionSecret: secret }, sessions }), sessions, record, token };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('bearerToken', () => {
  it('takes the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken(null)).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});

describe('fallback auth', () => {
  it('admits a live fallback session with its own token', async () => {
    const { auth, record, token } = await setup('fallback');
    expect(await auth.authenticate(request(`Bearer ${token}`))).toEqual(record);
  });

  it('binds the scenario the token names (claim `scenario`), not what the stored record says', async () => {
    const sessions = new MemorySessionStore({ sweepIntervalMs: 0 });
    const now = Date.now();
    const record: SessionRecord = { id: newSessionId(), mode: 'fallback', ip: '127.0.0.1', instanceId: 'i', createdAt: now, expiresAt: now + 60_000, refreshCount: 0, scenarioId: 'stored-scenario' };
    await sessions.register(record, ROOMY);
    const auth = createFallbackAuth({ config: { sessionSecret: secret }, sessions });
    const withClaim = await signSessionToken(key, { sessionId: record.id, mode: 'fallback', expiresAtMs: record.expiresAt, scenarioId: 'pitch-ai-strategy-to-the-board' });
    expect(await auth.authenticate(request(`Bearer ${withClaim}`))).toEqual({ ...record, scenarioId: 'pitch-ai-strategy-to-the-board' });
    const without = await signSessionToken(key, { sessionId: record.id, mode: 'fallback', expiresAtMs: record.expiresAt });
    expect(await auth.authenticate(request(`Bearer ${without}`))).not.toHaveProperty('scenarioId');
  });

  it('401 token_missing (with a Bearer challenge) without an Authorization header', async () => {
    const { auth } = await setup('fallback');
    const e = await refusal(auth.authenticate(request()));
    expect([e.status, e.code, e.headers['WWW-Authenticate']]).toEqual([401, 'token_missing', 'Bearer']);
  });

  it('401 token_invalid for a forged, tampered or foreign token', async () => {
    const { auth, token, record } = await setup('fallback');
    const otherKey = signingKey(new TextEncoder().encode('x'.repeat(40)));
    const forged = await signSessionToken(otherKey, { sessionId: record.id, mode: 'fallback', expiresAtMs: Date.now() + 60_000 });
    const wrongIssuer = await new SignJWT({ mode: 'fallback' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('someone-else').setAudience('voice-agent').setSubject(record.id).setExpirationTime('1m').sign(key);
    for (const bad of [forged, `${token.slice(0, -2)}xx`, 'not-a-jwt', wrongIssuer]) {
      const e = await refusal(auth.authenticate(request(`Bearer ${bad}`)));
      expect([e.status, e.code, e.headers['WWW-Authenticate']]).toEqual([401, 'token_invalid', 'Bearer']);
    }
  });

  it('401 token_expired for an expired token, even while the session lives', async () => {
    const { auth, record } = await setup('fallback');
    const expired = await signSessionToken(key, { sessionId: record.id, mode: 'fallback', expiresAtMs: Date.now() - 5_000 });
    const e = await refusal(auth.authenticate(request(`Bearer ${expired}`)));
    expect([e.status, e.code]).toEqual([401, 'token_expired']);
  });

  it('403 wrong_mode for a demo token', async () => {
    const { auth, token } = await setup('demo');
    const e = await refusal(auth.authenticate(request(`Bearer ${token}`)));
    expect([e.status, e.code]).toEqual([403, 'wrong_mode']);
  });

  it('404 session_not_found once the session has ended: ending revokes the token at once', async () => {
    const { auth, token, sessions, record } = await setup('fallback');
    await sessions.end(record.id);
    const e = await refusal(auth.authenticate(request(`Bearer ${token}`)));
    expect([e.status, e.code]).toEqual([404, 'session_not_found']);
  });

  it('403 wrong_mode when the store says the session is not (or no longer) a fallback session', () => {
    const now = Date.now();
    const realtime: SessionRecord = { id: newSessionId(), mode: 'realtime', ip: '1.1.1.1', instanceId: 'i', createdAt: now, expiresAt: now + 1, refreshCount: 0 };
    const decision = fallbackAuthDecision({ ok: true, claims: { sessionId: realtime.id, mode: 'fallback', expiresAtMs: now + 1 } }, realtime);
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect([decision.error.status, decision.error.code]).toEqual([403, 'wrong_mode']);
  });
});

import { describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { signSessionToken, verifySessionToken } from '../../../src/server/tokens/signed-token';

const secret = new TextEncoder().encode('k'.repeat(32));
const other = new TextEncoder().encode('o'.repeat(32));

describe('fallback/demo tokens', () => {
  it('round-trips the session, mode and expiry', async () => {
    const expiresAtMs = Date.now() + 60_000;
    const token = await signSessionToken(secret, { sessionId: 'sess_abc', mode: 'fallback', expiresAtMs });
    const result = await verifySessionToken(secret, token, 'fallback');
    expect(result).toEqual({ ok: true, claims: { sessionId: 'sess_abc', mode: 'fallback', expiresAtMs: Math.floor(expiresAtMs / 1000) * 1000 } });
  });
  it('refuses a token signed by another key, tampered, expired or of the wrong mode', async () => {
    const token = await signSessionToken(secret, { sessionId: 's', mode: 'demo', expiresAtMs: Date.now() + 60_000 });
    expect(await verifySessionToken(other, token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifySessionToken(secret, `${token.slice(0, -2)}xx`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifySessionToken(secret, token, 'fallback')).toEqual({ ok: false, reason: 'wrong_mode' });
    const old = await signSessionToken(secret, { sessionId: 's', mode: 'demo', expiresAtMs: Date.now() - 5_000 });
    expect(await verifySessionToken(secret, old)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifySessionToken(secret, 'not-a-jwt')).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('the scenario claim', () => {
  it('carries the session scenario as `scenario`, and only when there is one', async () => {
    const expiresAtMs = Date.now() + 60_000;
    const token = await signSessionToken(secret, { sessionId: 'sess_abc', mode: 'fallback', expiresAtMs, scenarioId: 'pitch-ai-strategy-to-the-board' });
    expect(decodeJwt(token)).toMatchObject({ sub: 'sess_abc', mode: 'fallback', scenario: 'pitch-ai-strategy-to-the-board' });
    const result = await verifySessionToken(secret, token, 'fallback');
    expect(result.ok && result.claims.scenarioId).toBe('pitch-ai-strategy-to-the-board');
    const free = await signSessionToken(secret, { sessionId: 'sess_abc', mode: 'demo', expiresAtMs });
    expect(decodeJwt(free)).not.toHaveProperty('scenario');
    const verified = await verifySessionToken(secret, free);
    expect(verified.ok && 'scenarioId' in verified.claims).toBe(false);
  });

  it('refuses a validly signed token whose scenario claim is not an id', async () => {
    for (const scenario of [42, 'Not An Id', '']) {
      const token = await new SignJWT({ mode: 'fallback', scenario })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('executive-ai-coach')
        .setAudience('voice-agent')
        .setSubject('sess_abc')
        .setExpirationTime('1m')
        .sign(secret);
      expect(await verifySessionToken(secret, token)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});

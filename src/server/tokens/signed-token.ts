/**
 * Fallback and demo tokens: short-lived HS256 JWTs (jose) that only this server's own endpoints
 * accept. They are bound to one session id and one mode, so a demo token can never unlock the
 * fallback endpoints that spend the OpenAI key. A session minted for a practice scenario carries its id
 * (claim `scenario`), so the fallback chat binds the scenario's instructions from the token itself.
 */
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { SCENARIO_ID } from '../../content/scenario-schema';
import type { SessionMode } from '../sessions/session-store';

const ISSUER = 'executive-ai-coach';
const AUDIENCE = 'voice-agent';

/** Every mode: fallback and demo always; realtime only for metered sessions, whose voice goes through the server (issue 8). */
export type SignedMode = SessionMode;

export interface SignedTokenClaims {
  sessionId: string;
  mode: SignedMode;
  expiresAtMs: number;
  /** The session's practice scenario (claim `scenario`); absent: free coaching. */
  scenarioId?: string;
}

/** Import the HMAC key once: jose would otherwise import raw bytes on every sign (~40 µs per token). */
export function signingKey(secret: Uint8Array): KeyObject {
  return createSecretKey(secret);
}

export async function signSessionToken(secret: Uint8Array | KeyObject, claims: SignedTokenClaims): Promise<string> {
  return new SignJWT({ mode: claims.mode, ...(claims.scenarioId ? { scenario: claims.scenarioId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.sessionId)
    .setIssuedAt()
    .setJti(randomUUID()) // every token distinct, even two minted in the same second
    .setExpirationTime(Math.floor(claims.expiresAtMs / 1000))
    .sign(secret);
}

export type VerifyResult =
  | { ok: true; claims: SignedTokenClaims }
  | { ok: false; reason: 'expired' | 'invalid' | 'wrong_mode' };

export async function verifySessionToken(
  secret: Uint8Array | KeyObject,
  token: string,
  expectedMode?: SignedMode,
): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const mode = payload.mode;
    if ((mode !== 'fallback' && mode !== 'demo' && mode !== 'realtime') || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    const scenario = payload.scenario;
    if (scenario !== undefined && (typeof scenario !== 'string' || !SCENARIO_ID.test(scenario))) return { ok: false, reason: 'invalid' };
    if (expectedMode && mode !== expectedMode) return { ok: false, reason: 'wrong_mode' };
    return {
      ok: true,
      claims: { sessionId: payload.sub, mode, expiresAtMs: payload.exp * 1000, ...(scenario ? { scenarioId: scenario } : {}) },
    };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}

/**
 * The signed form of a session recap (docs/scorecards.md, "Recap"): the summary the grader composed, bound to
 * its scenario and signed with the server's token key, so the next token request can carry it back without the
 * browser ever supplying instruction text. It is not a credential: its audience and type differ from the
 * fallback/demo tokens' (signed-token.ts), so neither verifies as the other, whatever the claims say.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { SCENARIO_ID } from '../../content/scenario-schema';
import { MAX_RECAP_SUMMARY_CHARS } from '../grading/session-recap';

const ISSUER = 'executive-ai-coach';
/** Distinct from the session tokens' `voice-agent`: a recap never unlocks an endpoint. */
const AUDIENCE = 'coach-recap';
const TYPE = 'recap+jwt';

/** How long a recap may be carried into a new session: a practice rhythm of weeks, not years. */
export const RECAP_TTL_DAYS = 90;
const RECAP_TTL_SECONDS = RECAP_TTL_DAYS * 24 * 60 * 60;

export interface RecapClaims {
  /** The scenario the summary is about (`free-coaching` for a session without one). */
  scenarioId: string;
  summary: string;
}

export type RecapRejection = 'invalid' | 'expired' | 'scenario_mismatch';

export type RecapVerifyResult = { ok: true; claims: RecapClaims } | { ok: false; reason: RecapRejection };

export async function signRecapToken(secret: Uint8Array | KeyObject, claims: RecapClaims, nowMs: number = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ scenario: claims.scenarioId, summary: claims.summary })
    .setProtectedHeader({ alg: 'HS256', typ: TYPE })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + RECAP_TTL_SECONDS)
    .sign(secret);
}

/**
 * A recap token for `expectedScenarioId`: right key, audience and type, not expired, a well-formed scenario and
 * summary, and the same scenario as the session being started.
 */
export async function verifyRecapToken(
  secret: Uint8Array | KeyObject,
  token: string,
  expectedScenarioId: string,
  nowMs: number = Date.now(),
): Promise<RecapVerifyResult> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: TYPE,
      algorithms: ['HS256'],
      requiredClaims: ['iat', 'exp'],
      currentDate: new Date(nowMs),
    });
    const { scenario, summary } = payload;
    if (typeof scenario !== 'string' || !SCENARIO_ID.test(scenario)) return { ok: false, reason: 'invalid' };
    if (typeof summary !== 'string' || !summary.trim() || summary.length > MAX_RECAP_SUMMARY_CHARS) return { ok: false, reason: 'invalid' };
    if (scenario !== expectedScenarioId) return { ok: false, reason: 'scenario_mismatch' };
    return { ok: true, claims: { scenarioId: scenario, summary } };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}

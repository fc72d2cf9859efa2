/**
 * Who may call the fallback endpoints (transcribe, chat, speech), which spend the server's OpenAI key:
 * only the holder of a live fallback session's signed token. The JWT proves what the server issued
 * (session id + mode); the session store proves the session is still live (ending it revokes the token
 * at once) and is still a fallback session. Every refusal is one of the doc's errors
 * (docs/fallback-and-demo.md). The session's practice scenario is the token's `scenario` claim: the chat binds
 * the scenario the server signed, whatever the request says.
 */
import type { KeyObject } from 'node:crypto';
import type { ApiRequest } from '../api/api-types';
import type { Config } from '../config';
import { ApiError } from '../http/api-error';
import { bearerToken } from '../http/bearer';
import type { SessionRecord, SessionStore } from '../sessions/session-store';
import { signingKey, verifySessionToken, type VerifyResult } from '../tokens/signed-token';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export { bearerToken } from '../http/bearer';

/** The decision for a verified (or missing) token and what the store holds for its session. */
export function fallbackAuthDecision(
  verified: VerifyResult | 'missing',
  session: SessionRecord | null,
): { ok: true; session: SessionRecord } | { ok: false; error: ApiError } {
  if (verified === 'missing') {
    return { ok: false, error: new ApiError(401, 'token_missing', 'Send the session token as "Authorization: Bearer <token>".', { ...CHALLENGE }) };
  }
  if (!verified.ok) {
    if (verified.reason === 'expired') {
      return { ok: false, error: new ApiError(401, 'token_expired', 'The session token has expired. Refresh it and try again.', { ...CHALLENGE }) };
    }
    if (verified.reason === 'wrong_mode') return { ok: false, error: wrongMode() };
    return { ok: false, error: new ApiError(401, 'token_invalid', 'The session token is not valid.', { ...CHALLENGE }) };
  }
  if (!session) {
    return { ok: false, error: new ApiError(404, 'session_not_found', 'This session has ended or expired. Start a new session.') };
  }
  if (session.mode !== 'fallback') return { ok: false, error: wrongMode() };
  const bound: SessionRecord = { ...session };
  delete bound.scenarioId;
  if (verified.claims.scenarioId) bound.scenarioId = verified.claims.scenarioId;
  return { ok: true, session: bound };
}

function wrongMode(): ApiError {
  return new ApiError(403, 'wrong_mode', 'This session is not in fallback mode, so it cannot use these endpoints.');
}

export interface FallbackAuth {
  /**
   * The live fallback session the request's token belongs to, with the scenario its token names
   * (`scenarioId`); throws the matching ApiError otherwise.
   */
  authenticate(req: ApiRequest): Promise<SessionRecord>;
}

export interface FallbackAuthDeps {
  config: Pick<Config, 'sessionSecret'>;
  sessions: Pick<SessionStore, 'get'>;
  /** Metered sessions: throws 403 `session_ended` once the server closed the session or it ran past its limit. */
  gate?: (session: SessionRecord) => Promise<void>;
}

export function createFallbackAuth(deps: FallbackAuthDeps): FallbackAuth {
  const key: KeyObject = signingKey(deps.config.sessionSecret);
  return {
    async authenticate(req) {
      const token = bearerToken(req.header('authorization'));
      const verified = token === undefined ? 'missing' : await verifySessionToken(key, token, 'fallback');
      const session = verified !== 'missing' && verified.ok ? await deps.sessions.get(verified.claims.sessionId) : null;
      const decision = fallbackAuthDecision(verified, session);
      if (!decision.ok) throw decision.error;
      await deps.gate?.(decision.session);
      return decision.session;
    },
  };
}

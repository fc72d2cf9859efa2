/**
 * Holds the session's credential for the voice connection. Fetched before the user clicks (page idle),
 * so "click → connected" is one round trip; refreshed when it is (nearly) stale at connect time, after
 * a backgrounded tab, for a reconnect and for the renewal at the upstream's session cap. A session the
 * server no longer knows (404) is replaced by a new one. The token lives only here: never in React
 * state, never rendered, never logged.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { endSession, refreshToken, requestToken } from '../api/voice-agent-api';
import type { ApiResult, TokenResponse } from '../types/api';

/** A credential with less than this left is refreshed before connecting (clock skew + one SDP round trip). */
const MIN_VALIDITY_MS = 15_000;

export interface Credential {
  token: string;
  sessionId: string;
  mode: TokenResponse['mode'];
  warnings: string[];
  realtime?: TokenResponse['realtime'];
  /** The practice scenario the session is for (id and title only). */
  scenario?: TokenResponse['scenario'];
  /** The server meters this session and may end it (realtime and fallback; see metering/metering-link.ts). */
  metered?: boolean;
  /** Expiry on the client's clock (server time corrected by the estimated skew). */
  expiresAtLocal: number;
}

export interface TokenManager {
  /** Fetch a credential now if none is held (call when the page is idle). */
  prefetch(): Promise<ApiResult<Credential>>;
  /** A credential good for connecting now: the held one, a refreshed one, or a new session's. */
  acquire(signal?: AbortSignal): Promise<ApiResult<Credential>>;
  /** A new credential for the live session (reconnect, renewal); a new session if it is gone. */
  renew(signal?: AbortSignal): Promise<ApiResult<Credential>>;
  /**
   * Live voice failed mid-session: turn the held session into a fallback session (same id, the server's
   * `refresh-token` with `mode: 'fallback'`). A fresh session when the old one is gone.
   */
  switchToFallback(signal?: AbortSignal): Promise<ApiResult<Credential>>;
  /** What is held (without the token), for the UI. */
  current(): Omit<Credential, 'token'> | undefined;
  /** Forget everything (after hang-up). */
  clear(): void;
}

export interface TokenManagerOptions {
  /** The practice scenario every session of this page is for (the server binds its instructions). */
  scenarioId?: string;
  /**
   * The signed recap of the previous session to send with a new session's request (the user consented),
   * looked up when the request is made; undefined: none. A failed lookup is treated as none.
   */
  recap?: () => Promise<string | undefined>;
  now?: () => number;
}

export function createTokenManager({ scenarioId, recap, now = Date.now }: TokenManagerOptions = {}): TokenManager {
  let held: Credential | undefined;
  let pending: Promise<ApiResult<Credential>> | undefined;
  /** Set once this conversation moved to fallback; cleared on hang-up. */
  let stayInFallback = false;

  const toCredential = (data: TokenResponse, skewMs: number): Credential => ({
    token: data.token,
    sessionId: data.sessionId,
    mode: data.mode,
    warnings: data.warnings ?? [],
    ...(data.realtime ? { realtime: data.realtime } : {}),
    ...(data.scenario ? { scenario: data.scenario } : {}),
    ...(data.metered ? { metered: true } : {}),
    expiresAtLocal: data.expiresAt - skewMs,
  });

  /** One request at a time: a click during the idle prefetch waits for it instead of minting twice. */
  function single(work: () => Promise<ApiResult<Credential>>): Promise<ApiResult<Credential>> {
    pending ??= work().finally(() => (pending = undefined));
    return pending;
  }

  async function fresh(signal?: AbortSignal): Promise<ApiResult<Credential>> {
    const recapToken = recap ? await recap().catch(() => undefined) : undefined;
    const result = await requestToken({ signal, scenarioId, recap: recapToken });
    if (!result.ok) return result;
    held = toCredential(result.data, result.meta.clockSkewMs);
    // Live voice already failed in this conversation: a replacement session must not go back to it.
    if (stayInFallback && held.mode === 'realtime') {
      const switched = await refreshToken(held.sessionId, { signal, mode: 'fallback' });
      if (!switched.ok) return switched;
      held = { ...toCredential(switched.data, switched.meta.clockSkewMs), warnings: held.warnings };
    }
    return { ok: true, data: held, meta: result.meta };
  }

  async function refreshed(signal?: AbortSignal, mode?: 'fallback'): Promise<ApiResult<Credential>> {
    if (!held) return fresh(signal);
    const previous = held;
    const result = await refreshToken(previous.sessionId, { signal, mode });
    if (!result.ok) {
      // Gone (expired while the tab slept) or out of refreshes: start over with a new session, and free the
      // old one's place in the per-IP quota now rather than when it lapses.
      if (result.error.status === 404 || result.error.code === 'refresh_limit_reached') {
        if (result.error.status !== 404) void endSession(previous.sessionId);
        return fresh(signal);
      }
      return result;
    }
    held = toCredential(result.data, result.meta.clockSkewMs);
    // A refresh keeps the session's warnings (the server sends them only with a new session).
    if (held.warnings.length === 0) held.warnings = previous.warnings;
    return { ok: true, data: held, meta: result.meta };
  }

  return {
    prefetch: () => (held ? Promise.resolve({ ok: true, data: held, meta: { status: 200, clockSkewMs: 0 } }) : single(() => fresh())),
    async acquire(signal) {
      if (pending) await pending;
      if (held && held.expiresAtLocal - now() > MIN_VALIDITY_MS) return { ok: true, data: held, meta: { status: 200, clockSkewMs: 0 } };
      return single(() => refreshed(signal));
    },
    renew: (signal) => single(() => refreshed(signal)),
    async switchToFallback(signal) {
      if (pending) await pending;
      stayInFallback = true;
      return single(() => refreshed(signal, 'fallback'));
    },
    current() {
      if (!held) return undefined;
      const { token: _secret, ...rest } = held;
      return rest;
    },
    clear() {
      held = undefined;
      stayInFallback = false;
    },
  };
}

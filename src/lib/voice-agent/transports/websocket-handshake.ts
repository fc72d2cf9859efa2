/**
 * Opening the WebSocket transport's connection: where it connects, how it presents its credential
 * (protocol brief §3.2), and what a close before the session started means.
 * Direct sessions connect to OpenAI (`{target.url}?model=…`); metered sessions (issue 8) connect to the
 * app's own relay (`target.websocketUrl`, usually a path on this site), which meters usage and may end
 * the session. The relay accepts the app's session token where OpenAI expects its ephemeral key.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { RealtimeTarget } from '../types/api';
import { TransportError, type TransportFailureReason } from './realtime-transport';

/**
 * The socket URL with `?model=…`: the relay when there is one (a same-origin path resolved against
 * `base`, the page's address), else the realtime URL; http(s) mapped to ws(s); a query string is kept.
 */
export function realtimeWebSocketUrl(target: RealtimeTarget, base: string | undefined = globalThis.location?.href): string {
  const address = target.websocketUrl ? new URL(target.websocketUrl, base).href : target.url;
  const url = address.replace(/^http(s?):\/\//i, (_, s: string) => `ws${s}://`);
  return `${url}${url.includes('?') ? '&' : '?'}model=${encodeURIComponent(target.model)}`;
}

/** The subprotocols that carry the credential (the ephemeral key, or the relay's session token). */
export function realtimeSubprotocols(token: string): string[] {
  return ['realtime', `openai-insecure-api-key.${token}`];
}

/** Why the socket closed before the session started (browsers see no handshake status: 1006 and nothing else). */
export function failureBeforeSession(
  opened: boolean,
  event: { code: number; reason: string },
  serverError: { code?: string; message?: string } | undefined,
): TransportError {
  if (!opened) {
    // Refused handshake (401/403/404/5xx), unreachable host, or a proxy that blocks upgrades: indistinguishable here.
    return new TransportError('connect_timeout', 'The voice service could not be reached over WebSocket.');
  }
  const reasonFor: Record<string, TransportFailureReason> = {
    session_expired: 'session_expired',
    invalid_api_key: 'token_expired',
    rate_limit_exceeded: 'rate_limited',
    model_not_found: 'no_realtime_access',
  };
  const reason = (serverError?.code && reasonFor[serverError.code]) || 'upstream_error';
  const detail = serverError?.message ?? (event.reason || `close code ${event.code}`);
  return new TransportError(reason, `The voice service closed the connection before the session started (${detail}).`);
}

/**
 * Getting a realtime connection up, whatever the network does: WebRTC first (unless the user chose
 * otherwise), the WebSocket transport when WebRTC cannot connect within a few seconds (UDP blocked on a
 * corporate network; a reconnect or renewal of a session that fell back tries WebSocket first), one
 * transparent token refresh when the credential was refused as expired. Every
 * failed attempt is reported for telemetry. Returns the connected transport or the last failure.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { TelemetryFailureReason } from '../api/telemetry-client';
import type { ApiFailure, ApiResult } from '../types/api';
import {
  TransportError,
  type RealtimeTransport,
  type TransportFailureReason,
  type TransportKind,
} from '../transports/realtime-transport';
import type { Credential } from './token-manager';
import type { TransportPreference } from './voice-session-types';

/** WebRTC gets a short leash when the WebSocket transport can take over. */
const WEBRTC_TIMEOUT_WITH_FALLBACK_MS = 6_000;
const TIMEOUT_MS = 10_000;

export interface ConnectDeps {
  preference: TransportPreference;
  /** Auto mode: the kind to try first (the one that worked last in this session). Default WebRTC. */
  prefer?: TransportKind;
  create(kind: TransportKind): RealtimeTransport;
  credential: Credential;
  /** A new credential for the same session (the failed attempt may have used up the old one). */
  renew(): Promise<ApiResult<Credential>>;
  microphone: MediaStream;
  audioElement: HTMLAudioElement;
  audioContext: AudioContext;
  signal: AbortSignal;
  onAttemptFailed(kind: TransportKind, error: TransportError): void;
}

export type ConnectOutcome =
  | { ok: true; transport: RealtimeTransport; credential: Credential; connectMs: number }
  | { ok: false; error: TransportError }
  | { ok: false; credentialFailure: ApiFailure };

export function transportOrder(preference: TransportPreference, prefer?: TransportKind): TransportKind[] {
  if (preference !== 'auto') return [preference];
  return prefer === 'websocket' ? ['websocket', 'webrtc'] : ['webrtc', 'websocket'];
}

/** Failures after which the other transport is worth a try. */
const NETWORK_SHAPED: ReadonlySet<TransportFailureReason> = new Set(['ice_failed', 'connect_timeout', 'connection_lost', 'unsupported_browser']);

export async function connectRealtime(deps: ConnectDeps): Promise<ConnectOutcome> {
  const order = transportOrder(deps.preference, deps.prefer);
  let credential = deps.credential;
  let last: TransportError = new TransportError('connect_timeout', 'No connection was attempted.');
  let refreshedForExpiry = false;

  for (let index = 0; index < order.length; index++) {
    const kind = order[index]!;
    if (index > 0) {
      // A fresh credential per attempt: an ephemeral secret may be spent by the failed one.
      const renewed = await deps.renew();
      if (!renewed.ok) return { ok: false, credentialFailure: renewed.error };
      credential = renewed.data;
    }
    for (;;) {
      if (deps.signal.aborted) return { ok: false, error: new TransportError('connect_timeout', 'Cancelled.') };
      if (!credential.realtime) return { ok: false, error: new TransportError('no_realtime_access', 'This session has no realtime voice.') };
      const transport = deps.create(kind);
      const started = performance.now();
      try {
        await transport.connect({
          token: credential.token,
          target: credential.realtime,
          microphone: deps.microphone,
          audioElement: deps.audioElement,
          audioContext: deps.audioContext,
          timeoutMs: kind === 'webrtc' && index < order.length - 1 ? WEBRTC_TIMEOUT_WITH_FALLBACK_MS : TIMEOUT_MS,
          signal: deps.signal,
        });
        return { ok: true, transport, credential, connectMs: Math.round(performance.now() - started) };
      } catch (error) {
        transport.close();
        last = error instanceof TransportError ? error : new TransportError('upstream_error', String(error));
        deps.onAttemptFailed(kind, last);
        if (last.reason === 'token_expired' && !refreshedForExpiry) {
          refreshedForExpiry = true; // the tab slept past the credential's life: refresh once, transparently
          const renewed = await deps.renew();
          if (!renewed.ok) return { ok: false, credentialFailure: renewed.error };
          credential = renewed.data;
          continue;
        }
        break;
      }
    }
    if (!NETWORK_SHAPED.has(last.reason)) break;
  }
  return { ok: false, error: last };
}

/** The telemetry reason for a transport failure. */
export function telemetryReason(reason: TransportFailureReason): TelemetryFailureReason {
  return reason === 'no_realtime_access' ? 'sdp_refused' : reason;
}

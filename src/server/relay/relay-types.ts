/**
 * The WebSocket relay's contracts (issue 8): what it needs from the server (access, supervisor, minting,
 * origin policy, observability) and what it offers the HTTP server (upgrade handling and shutdown).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SessionAccess, SessionSupervisor } from '../metering/supervisor-types';
import type { SessionRecord } from '../sessions/session-store';
import type { Logger } from '../observability/logger';

export const RELAY_PATH = '/api/voice-agent/realtime';

/** Largest WebSocket message either side may send (the emulator's and OpenAI's 15 MiB audio, as base64, plus JSON). */
export const MAX_MESSAGE_BYTES = 24 * 1024 * 1024;

/** An ephemeral key for one session, minted by the server with the session's instructions bound. */
export interface MintedKey {
  value: string;
  expiresAtMs: number;
  model: string;
}

/**
 * The metrics the relay feeds. The first three exist in `observability/metrics.ts`; the optional ones are
 * new (see the names beside them) and are simply skipped until the server's Metrics provide them, so the
 * full `Metrics` object can be passed as is.
 */
export interface RelayMetrics {
  corsViolations: { inc(): void };
  failedConnections: { inc(labels: { reason: string }): void };
  apiErrors: { inc(labels: { service: string; status: string }): void };
  /** `voice_agent_relay_connections_total{outcome}`: `opened`, or the refusal's error code. */
  relayConnections?: { inc(labels: { outcome: string }): void };
  /** `voice_agent_relay_duration_seconds{closed_by}`: how long relays lived, by who closed them. */
  relayDurationSeconds?: { observe(labels: { closed_by: string }, seconds: number): void };
  /** `voice_agent_relay_backpressure_pauses_total{paused}`: a slow reader made the relay pause the other side. */
  relayBackpressurePauses?: { inc(labels: { paused: string }): void };
}

export interface RealtimeRelayDeps {
  access: SessionAccess;
  supervisor: SessionSupervisor;
  /** Mints an ephemeral key bound to the session's instructions (server side; never sent to the browser). */
  mint(record: SessionRecord): Promise<MintedKey>;
  /** OpenAI's realtime WebSocket base, e.g. `wss://api.openai.com/v1/realtime`; `?model=` is added here. */
  upstreamUrl: string;
  /** Cross-site WebSocket hijacking guard: the page's origin must be one the site allows. */
  originAllowed(req: IncomingMessage): boolean;
  clientIp(req: IncomingMessage): string;
  logger: Logger;
  metrics: RelayMetrics;
  /** Browser keepalive: a ping every interval; a client that missed the previous pong is dropped. Default 30 s. */
  keepaliveMs?: number;
  /** Opening the upstream connection may take this long. Default 10 s. */
  upstreamTimeoutMs?: number;
}

export interface RealtimeRelay {
  /** For the HTTP server's `upgrade` event on RELAY_PATH. Never throws; every refusal is an HTTP answer. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Relays currently open (browser and upstream both connected). */
  size(): number;
  /** Graceful shutdown: closes every relay (default 1001) and refuses connections still being set up or new ones. */
  closeAll(code?: number, reason?: string): void;
}

/** Who ended a relay, for logs and metrics. */
export type RelayClosedBy = 'browser' | 'upstream' | 'server' | 'keepalive';

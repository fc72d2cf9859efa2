/**
 * Client telemetry (`POST /api/voice-agent/telemetry`): queues figures, sends them in small batches,
 * and beats every 30 s while a session is live — the heartbeat is what keeps the server-side session
 * (its quota slot and its search access) alive during a long conversation. On page exit the rest goes
 * out with `sendBeacon`. Never carries the token; a failed report is dropped, never retried in a loop.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { TransportFailureReason } from '../transports/realtime-transport';
import { call, VOICE_AGENT_API_BASE } from './voice-agent-api';

export const TELEMETRY_ENDPOINT = `${VOICE_AGENT_API_BASE}/telemetry`;
const HEARTBEAT_MS = 30_000;
const MAX_BATCH = 50;

export type TelemetryEvent =
  | { type: 'connected'; transport: 'webrtc' | 'websocket'; connectMs: number; attempt?: number }
  | { type: 'connection_failed'; transport: 'webrtc' | 'websocket'; reason: TelemetryFailureReason; detail?: string }
  | { type: 'response_latency'; ms: number }
  | { type: 'usage'; inputTextTokens: number; inputAudioTokens: number; cachedTokens: number; outputTextTokens: number; outputAudioTokens: number }
  | { type: 'summary'; durationSeconds: number; turns: number; userSpeechSeconds: number }
  | { type: 'heartbeat' };

/** The reasons the server accepts (src/server/telemetry/telemetry-schema.ts): the transports' own, plus these. */
export type TelemetryFailureReason = Exclude<TransportFailureReason, 'no_realtime_access'> | 'microphone_denied' | 'offline' | 'other';

export interface TelemetryClient {
  /** Queue a figure; it goes out with the next flush (soon) or heartbeat. */
  record(event: TelemetryEvent): void;
  /** Start heartbeats for this session (replaces any previous one). */
  start(sessionId: string): void;
  /** Send what is queued now (beacon when the page is going away). */
  flush(options?: { beacon?: boolean }): void;
  /** Flush and stop beating. */
  stop(options?: { beacon?: boolean }): void;
  /** Called with the server's new session expiry (epoch ms) after each accepted report. */
  onExpiry(handler: (expiresAt: number) => void): void;
}

export function createTelemetryClient(): TelemetryClient {
  let sessionId: string | undefined;
  let queue: TelemetryEvent[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let flushSoon: ReturnType<typeof setTimeout> | undefined;
  let expiryHandler: ((expiresAt: number) => void) | undefined;

  function send(events: TelemetryEvent[], beacon: boolean) {
    if (!sessionId || events.length === 0) return;
    const body = JSON.stringify({ sessionId, events: events.slice(0, MAX_BATCH) });
    if (beacon && typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
      if (navigator.sendBeacon(TELEMETRY_ENDPOINT, new Blob([body], { type: 'application/json' }))) return;
    }
    void call(
      TELEMETRY_ENDPOINT,
      { method: 'POST', body: JSON.parse(body) },
      (data) => (data && typeof data === 'object' && typeof (data as { expiresAt?: unknown }).expiresAt === 'number' ? (data as { expiresAt: number }) : null),
      { timeoutMs: 10_000 },
    ).then((result) => {
      if (result.ok) expiryHandler?.(result.data.expiresAt);
    });
  }

  function flush(options: { beacon?: boolean } = {}) {
    clearTimeout(flushSoon);
    flushSoon = undefined;
    const events = queue;
    queue = [];
    send(events, options.beacon === true);
  }

  return {
    record(event) {
      queue.push(event);
      if (queue.length >= MAX_BATCH) flush();
      else flushSoon ??= setTimeout(() => flush(), 2_000);
    },
    start(id) {
      clearInterval(timer);
      sessionId = id;
      timer = setInterval(() => {
        if (queue.length === 0) queue.push({ type: 'heartbeat' });
        flush();
      }, HEARTBEAT_MS);
    },
    flush,
    stop(options) {
      flush(options);
      clearInterval(timer);
      timer = undefined;
      sessionId = undefined;
    },
    onExpiry(handler) {
      expiryHandler = handler;
    },
  };
}

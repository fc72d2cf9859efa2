/**
 * What the browser may report (`POST /api/voice-agent/telemetry`): the client-side figures of the
 * architecture's `Metrics` (webrtcConnectionTime, failedConnections, sessionDuration, conversationLength,
 * userEngagement), time from the end of the user's speech to the coach's first audio, and token usage from
 * `response.done`. Every field is bounded and every label an enum, so a client cannot blow up metric
 * cardinality or the logs. Unknown fields are refused (400), not ignored.
 */
import { z } from 'zod';
import { isWellFormedSessionId } from '../sessions/session-id';

export const TRANSPORTS = ['webrtc', 'websocket'] as const;

/** Why a realtime connection failed, as the browser saw it. */
export const CONNECTION_FAILURE_REASONS = [
  'microphone_denied',
  'sdp_refused',
  'ice_failed',
  'connect_timeout',
  'connection_lost',
  'token_expired',
  'session_expired',
  'rate_limited',
  'upstream_error',
  'offline',
  'unsupported_browser',
  'other',
] as const;

const count = (max: number) => z.number().int().min(0).max(max);
const transport = z.enum(TRANSPORTS);

const connected = z.object({ type: z.literal('connected'), transport, connectMs: count(120_000), attempt: count(100).optional() }).strict();
const connectionFailed = z
  .object({
    type: z.literal('connection_failed'),
    transport,
    reason: z.enum(CONNECTION_FAILURE_REASONS),
    // Free text from the browser (an upstream error message): logged masked and shortened, never a label.
    detail: z.string().max(2_000).optional(),
  })
  .strict();
const responseLatency = z.object({ type: z.literal('response_latency'), ms: count(120_000) }).strict();
const usage = z
  .object({
    type: z.literal('usage'),
    inputTextTokens: count(10_000_000),
    inputAudioTokens: count(10_000_000),
    cachedTokens: count(10_000_000),
    outputTextTokens: count(10_000_000),
    outputAudioTokens: count(10_000_000),
  })
  .strict();
const summary = z
  .object({
    type: z.literal('summary'),
    durationSeconds: count(7 * 86_400),
    turns: count(100_000),
    userSpeechSeconds: count(7 * 86_400),
  })
  .strict();
const heartbeat = z.object({ type: z.literal('heartbeat') }).strict();

export const telemetryEvent = z.discriminatedUnion('type', [connected, connectionFailed, responseLatency, usage, summary, heartbeat]);
export type TelemetryEvent = z.infer<typeof telemetryEvent>;

export const telemetryBody = z
  .object({
    sessionId: z.string({ error: 'sessionId is required' }).refine(isWellFormedSessionId, { message: 'sessionId is not a valid session id' }),
    events: z.array(telemetryEvent).min(1, 'events must not be empty').max(50, 'at most 50 events per request'),
  })
  .strict();
export type TelemetryBody = z.infer<typeof telemetryBody>;

/**
 * The seams between the connections that carry metered voice (the WebRTC sideband, the WebSocket relay)
 * and the per-instance supervisor that meters them and enforces the budgets.
 */
import type { SessionRecord } from '../sessions/session-store';
import type { SessionClosure } from './metering-types';

/** A live metered connection held by this instance. */
export interface MeteredConnection {
  session: SessionRecord;
  transport: 'webrtc' | 'websocket';
  /** The model the call runs (priced from the pricing table). */
  model: string;
  /** WebRTC: OpenAI's call id (for hang-up from any instance). */
  callId?: string;
  /**
   * Ends the voice now: hang up the call (WebRTC) or send the closure as an `error` event and close the
   * relay (WebSocket). Called at most once, by the supervisor; must not throw. Without a closure the
   * session is simply gone (ended by its user, or expired after its tab vanished): close without a message.
   */
  terminate(closure?: SessionClosure): Promise<void>;
}

/** What a connection reports to the supervisor. */
export interface SupervisedConnection {
  /** One server event the connection saw; only `response.done` (with `response.usage`) is metered. */
  onServerEvent(event: { type: string } & Record<string, unknown>): void;
  /** The connection ended by itself (peer or upstream closed): stop metering it. Idempotent. */
  detach(): void;
}

export interface SessionSupervisor {
  /**
   * Starts metering one connection and checking its session's budgets every tick. A session may hold
   * several connections for a moment (a reconnect overlapping the old call): each is metered, and a
   * budget ends them all.
   */
  attach(connection: MeteredConnection): Promise<SupervisedConnection>;
  /** Live connections held by this instance. */
  size(): number;
  /** Stops every tick (shutdown); connections are left to the server's own drain. */
  stop(): void;
}

/** Thrown as an `ApiError` by `SessionAccess.check`; codes are part of the public API. */
export type AccessRefusal =
  | 'missing_token' // 401
  | 'invalid_token' // 401
  | 'session_not_found' // 404
  | 'wrong_mode' // 403 (not a realtime session, or not metered)
  | 'session_ended' // 403, with `reason` (a BudgetLimit) and a plain message
  | 'rate_limited'; // 429 (CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE)

export interface SessionAccess {
  /**
   * Who may open a metered connection: a valid session token (mode `realtime`) for a live realtime
   * session whose voice the server has not closed, within the per-session connect budget. Throws ApiError.
   */
  check(token: string | undefined, ip: string): Promise<SessionRecord>;
}

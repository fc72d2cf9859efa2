/**
 * The session registry seam: who holds a live voice session, and the quotas on them (per IP, per
 * instance, across all instances). Implementations: memory (one instance), Redis (shared by N
 * instances), and a resilient wrapper that falls back to memory while Redis is away.
 */
export type SessionMode = 'realtime' | 'fallback' | 'demo';
export interface SessionRecord {
  id: string; mode: SessionMode; ip: string; instanceId: string; createdAt: number; expiresAt: number; refreshCount: number; // times: epoch ms
  /** The practice scenario the session was minted for (absent: free coaching); kept for refreshes and mode switches. */
  scenarioId?: string;
  /** The previous session's recap summary (verified at mint), bound into the coach's instructions on refreshes, switches and fallback chat turns. */
  recap?: string;
}
export interface SessionCapacity { maxPerIp: number; maxPerInstance: number; maxTotal: number; }
export type RegisterResult = { ok: true } | { ok: false; reason: 'ip_quota' | 'instance_capacity' | 'global_capacity' };
/** The record after the refresh, and its mode before it (differs only when a mode switch happened). */
export type RefreshResult =
  | { ok: true; record: SessionRecord; previousMode: SessionMode }
  | { ok: false; reason: 'not_found' | 'refresh_limit' | 'wrong_mode' };
/**
 * Moves a session to another mode as part of a refresh (realtime → fallback when live voice fails
 * mid-session). A session already in `to` just refreshes; one in any mode other than `from` or `to` is
 * refused with `wrong_mode` (checked before the refresh limit, and nothing changes).
 */
export interface ModeSwitch { from: SessionMode; to: SessionMode; }
export interface SessionStore {
  /** Atomically: drop expired sessions, check the three quotas (ip → instance → global, first failing reason wins), then add. */
  register(record: SessionRecord, capacity: SessionCapacity, now?: number): Promise<RegisterResult>;
  /** The live session, or null when unknown, ended or expired. */
  get(id: string, now?: number): Promise<SessionRecord | null>;
  /** Atomically: live? mode allowed (see ModeSwitch)? refreshCount < maxRefreshes? then refreshCount+1, expiresAt = newExpiresAt (and mode = switchMode.to). */
  refresh(id: string, newExpiresAt: number, maxRefreshes: number, now?: number, switchMode?: ModeSwitch): Promise<RefreshResult>;
  /** Heartbeat: a live session's expiresAt becomes max(current, newExpiresAt); refreshCount is untouched. The live record, or null. */
  keepAlive(id: string, newExpiresAt: number, now?: number): Promise<SessionRecord | null>;
  /** Ends the session and frees its quota; returns the ended record, or null if it was not live. Idempotent. */
  end(id: string, now?: number): Promise<SessionRecord | null>;
  /** Live sessions across all instances sharing the store, soonest-expiring first, at most `limit` (the admin list). */
  list(limit: number, now?: number): Promise<SessionRecord[]>;
  /** Live sessions minted by this instance, and live sessions across all instances sharing the store. */
  activeCounts(instanceId: string, now?: number): Promise<{ instance: number; total: number }>;
}

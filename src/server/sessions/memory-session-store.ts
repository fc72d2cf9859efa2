/**
 * Session registry in process memory: the store for a single instance, and the resilient store's
 * fallback while Redis is away. Every method body runs synchronously, so each is atomic on Node's one
 * thread. Expired sessions are dropped lazily (a full scan only once the earliest expiry has passed) and
 * by an unref()'d sweep, so an idle process neither leaks sessions nor is kept alive by the timer.
 */
import type {
  ModeSwitch,
  RefreshResult,
  RegisterResult,
  SessionCapacity,
  SessionRecord,
  SessionStore,
} from './session-store';

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

export interface MemorySessionStoreOptions {
  /** 0 disables the background sweep (lazy purging still keeps counts exact). */
  sweepIntervalMs?: number;
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly byIp = new Map<string, Set<string>>();
  private readonly byInstance = new Map<string, Set<string>>();
  /** Never later than the earliest expiresAt held: before it, nothing can be expired. */
  private earliestExpiry = Infinity;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemorySessionStoreOptions = {}) {
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => this.purgeExpired(Date.now()), interval);
      this.sweepTimer.unref();
    }
  }

  async register(record: SessionRecord, capacity: SessionCapacity, now = Date.now()): Promise<RegisterResult> {
    this.purgeExpired(now);
    // Ids are random (session-id.ts); a repeated id replaces its old entry rather than counting twice.
    const previous = this.sessions.get(record.id);
    if (previous) this.remove(previous);

    if (this.ipCount(record.ip, now) >= capacity.maxPerIp) return { ok: false, reason: 'ip_quota' };
    if (this.instanceCount(record.instanceId) >= capacity.maxPerInstance) {
      return { ok: false, reason: 'instance_capacity' };
    }
    if (this.sessions.size >= capacity.maxTotal) return { ok: false, reason: 'global_capacity' };

    const copy = { ...record };
    this.sessions.set(copy.id, copy);
    addTo(this.byIp, copy.ip, copy.id);
    addTo(this.byInstance, copy.instanceId, copy.id);
    this.earliestExpiry = Math.min(this.earliestExpiry, copy.expiresAt);
    return { ok: true };
  }

  async get(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const live = this.live(id, now);
    return live ? { ...live } : null;
  }

  async list(limit: number, now = Date.now()): Promise<SessionRecord[]> {
    return [...this.sessions.values()]
      .filter((record) => record.expiresAt > now)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .slice(0, limit)
      .map((record) => ({ ...record }));
  }

  async refresh(id: string, newExpiresAt: number, maxRefreshes: number, now = Date.now(), switchMode?: ModeSwitch): Promise<RefreshResult> {
    const live = this.live(id, now);
    if (!live) return { ok: false, reason: 'not_found' };
    if (switchMode && live.mode !== switchMode.to && live.mode !== switchMode.from) return { ok: false, reason: 'wrong_mode' };
    if (live.refreshCount >= maxRefreshes) return { ok: false, reason: 'refresh_limit' };
    const previousMode = live.mode;
    live.refreshCount += 1;
    live.expiresAt = newExpiresAt;
    if (switchMode) live.mode = switchMode.to;
    this.earliestExpiry = Math.min(this.earliestExpiry, newExpiresAt);
    return { ok: true, record: { ...live }, previousMode };
  }

  async keepAlive(id: string, newExpiresAt: number, now = Date.now()): Promise<SessionRecord | null> {
    const live = this.live(id, now);
    if (!live) return null;
    live.expiresAt = Math.max(live.expiresAt, newExpiresAt);
    return { ...live };
  }

  async end(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const record = this.sessions.get(id);
    if (!record) return null;
    this.remove(record);
    return record.expiresAt > now ? record : null;
  }

  async activeCounts(instanceId: string, now = Date.now()): Promise<{ instance: number; total: number }> {
    this.purgeExpired(now);
    return { instance: this.instanceCount(instanceId), total: this.sessions.size };
  }

  /** Live sessions of one IP held here (the resilient store subtracts these from Redis quotas). */
  ipCount(ip: string, now = Date.now()): number {
    this.purgeExpired(now);
    return this.byIp.get(ip)?.size ?? 0;
  }

  /** True when nothing is held, so the resilient store can skip asking memory at all. */
  isEmpty(): boolean {
    return this.sessions.size === 0;
  }

  /** Stops the sweep timer; the store stays usable (lazy purging only). */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private instanceCount(instanceId: string): number {
    return this.byInstance.get(instanceId)?.size ?? 0;
  }

  private live(id: string, now: number): SessionRecord | undefined {
    const record = this.sessions.get(id);
    if (!record) return undefined;
    if (record.expiresAt > now) return record;
    this.remove(record);
    return undefined;
  }

  private purgeExpired(now: number): void {
    if (now < this.earliestExpiry) return;
    let earliest = Infinity;
    for (const record of this.sessions.values()) {
      if (record.expiresAt <= now) this.remove(record);
      else earliest = Math.min(earliest, record.expiresAt);
    }
    this.earliestExpiry = earliest;
  }

  private remove(record: SessionRecord): void {
    this.sessions.delete(record.id);
    removeFrom(this.byIp, record.ip, record.id);
    removeFrom(this.byInstance, record.instanceId, record.id);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = new Set()));
  ids.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}

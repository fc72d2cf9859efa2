/**
 * Meters in process memory: the store for a single instance, and the resilient store's fallback while
 * Redis is away. It keeps Redis's shape and rounding (connected time as whole milliseconds) so both stores
 * report the same figures, and forgets on the same schedule as the Redis keys' TTLs: a ledger 24 h after
 * its last write, a day's totals once the day is older than yesterday (UTC). Expiry follows the wall clock
 * (`clock`), like Redis TTLs; the `now` passed to writes is only recorded as `updatedAt`. Every method
 * body runs synchronously, so each is atomic on Node's one thread. No timers: pruning is lazy (a full sweep at most once a minute, on any call).
 */
import type { BudgetVerdict, MeterStore, SessionClosure, SessionLedger, SessionLink, TokenUsage, UtcDay } from './metering-types';
import { ZERO_USAGE } from './metering-types';
import { secondsToMs, wholeAmount, wholeUsage } from './meter-units';
import { addUsage } from './usage';
import { utcDay } from './utc-day';

/** A ledger outlives its last write by this long (the Redis store's EXPIRE). */
export const LEDGER_TTL_MS = 24 * 3_600_000;
/** Full scans for expired entries happen at most this often; reads check their own entry every time. */
const PRUNE_INTERVAL_MS = 60_000;

interface LedgerEntry {
  usage: TokenUsage;
  costNanoUsd: number;
  connectedMs: number;
  endsAt?: number;
  limit?: SessionLedger['limit'];
  link?: SessionLink;
  closed?: SessionClosure;
  updatedAt: number;
  /** Wall-clock expiry (clock() at the last write + LEDGER_TTL_MS). */
  expiresAt: number;
}

export interface MemoryMeterStoreOptions {
  /** Wall clock for expiry; tests pass their own. */
  clock?: () => number;
}

export class MemoryMeterStore implements MeterStore {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly dayCosts = new Map<UtcDay, number>();
  private readonly ipMs = new Map<UtcDay, Map<string, number>>();
  private readonly clock: () => number;
  private lastPruneAt = -Infinity;

  constructor(options: MemoryMeterStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  async addUsage(sessionId: string, usage: TokenUsage, costNanoUsd: number, day: UtcDay, now: number) {
    const entry = this.touch(sessionId, now);
    const cost = wholeAmount(costNanoUsd);
    entry.usage = addUsage(entry.usage, wholeUsage(usage));
    entry.costNanoUsd += cost;
    const dayCostNanoUsd = (this.dayCosts.get(day) ?? 0) + cost;
    this.dayCosts.set(day, dayCostNanoUsd);
    return { sessionCostNanoUsd: entry.costNanoUsd, dayCostNanoUsd };
  }

  async addSeconds(sessionId: string, ip: string, seconds: number, day: UtcDay, now: number) {
    const ms = secondsToMs(seconds);
    const entry = this.touch(sessionId, now);
    entry.connectedMs += ms;
    let ips = this.ipMs.get(day);
    if (!ips) this.ipMs.set(day, (ips = new Map()));
    const ipTotal = (ips.get(ip) ?? 0) + ms;
    ips.set(ip, ipTotal);
    return { sessionSeconds: entry.connectedMs / 1000, ipSecondsToday: ipTotal / 1000 };
  }

  async link(sessionId: string, link: SessionLink, now: number): Promise<void> {
    this.touch(sessionId, now).link = { ...link };
  }

  async setVerdict(sessionId: string, verdict: Pick<BudgetVerdict, 'endsAt' | 'limit'>, now: number): Promise<void> {
    const entry = this.touch(sessionId, now);
    entry.endsAt = verdict.endsAt;
    entry.limit = verdict.limit;
  }

  async close(sessionId: string, closure: SessionClosure): Promise<SessionClosure> {
    const entry = this.touch(sessionId, closure.at);
    entry.closed ??= { ...closure };
    return { ...entry.closed };
  }

  async ledger(sessionId: string): Promise<SessionLedger | null> {
    const entry = this.live(sessionId);
    return entry ? toLedger(sessionId, entry) : null;
  }

  async ledgers(sessionIds: readonly string[]): Promise<Map<string, SessionLedger>> {
    const found = new Map<string, SessionLedger>();
    for (const id of sessionIds) {
      const entry = this.live(id);
      if (entry) found.set(id, toLedger(id, entry));
    }
    return found;
  }

  async dayCost(day: UtcDay): Promise<number> {
    return this.dayIsKept(day) ? (this.dayCosts.get(day) ?? 0) : 0;
  }

  async ipSeconds(ip: string, day: UtcDay): Promise<number> {
    return this.dayIsKept(day) ? (this.ipMs.get(day)?.get(ip) ?? 0) / 1000 : 0;
  }

  isDegraded(): boolean {
    return false;
  }

  /** True when nothing is held (the resilient store then has nothing local to add). */
  isEmpty(): boolean {
    return this.entries.size === 0 && this.dayCosts.size === 0 && this.ipMs.size === 0;
  }

  /** The session's entry for a write (created if absent or expired), with its expiry pushed back. */
  private touch(sessionId: string, now: number): LedgerEntry {
    let entry = this.live(sessionId);
    if (!entry) {
      entry = { usage: { ...ZERO_USAGE }, costNanoUsd: 0, connectedMs: 0, updatedAt: now, expiresAt: 0 };
      this.entries.set(sessionId, entry);
    }
    entry.updatedAt = now;
    entry.expiresAt = this.clock() + LEDGER_TTL_MS;
    return entry;
  }

  private live(sessionId: string): LedgerEntry | undefined {
    this.pruneOccasionally();
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock()) return entry;
    this.entries.delete(sessionId);
    return undefined;
  }

  /** Today and yesterday (UTC, by the wall clock) are kept; older days are forgotten. */
  private dayIsKept(day: UtcDay): boolean {
    this.pruneOccasionally();
    return day >= oldestKeptDay(this.clock());
  }

  private pruneOccasionally(): void {
    const wall = this.clock();
    if (wall - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = wall;
    for (const [id, entry] of this.entries) if (entry.expiresAt <= wall) this.entries.delete(id);
    const oldestKept = oldestKeptDay(wall);
    for (const day of this.dayCosts.keys()) if (day < oldestKept) this.dayCosts.delete(day);
    for (const day of this.ipMs.keys()) if (day < oldestKept) this.ipMs.delete(day);
  }
}

/** Yesterday (UTC): totals of older days are forgotten, like the Redis day keys' 48 h TTL. */
function oldestKeptDay(wall: number): UtcDay {
  return utcDay(wall - 86_400_000);
}

function toLedger(sessionId: string, entry: LedgerEntry): SessionLedger {
  return {
    sessionId,
    usage: { ...entry.usage },
    costNanoUsd: entry.costNanoUsd,
    connectedSeconds: entry.connectedMs / 1000,
    ...(entry.endsAt !== undefined && entry.limit !== undefined ? { endsAt: entry.endsAt, limit: entry.limit } : {}),
    ...(entry.link ? { link: { ...entry.link } } : {}),
    ...(entry.closed ? { closed: { ...entry.closed } } : {}),
    updatedAt: entry.updatedAt,
  };
}

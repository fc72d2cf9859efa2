/**
 * The shared totals this instance last read from Redis (a session's spend and connected seconds, a day's
 * spend, an IP's seconds today). While Redis is away the resilient meter store adds its outage-time
 * memory figures to these, so a Redis outage does not hand every session and IP a fresh daily budget.
 * Entries are forgotten 48 h after they were seen (like the Redis day keys), and the oldest go first
 * beyond a size cap, so a long-running instance does not grow without bound.
 */
const KEEP_MS = 48 * 3_600_000;
const PRUNE_INTERVAL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 50_000;

interface Seen {
  value: number;
  at: number;
}

class RecentValues {
  private readonly values = new Map<string, Seen>();
  private lastPruneAt = -Infinity;

  constructor(private readonly maxEntries: number) {}

  set(key: string, value: number, wall: number): void {
    // Delete first so Map order stays "least recently seen first" for the size cap.
    this.values.delete(key);
    this.values.set(key, { value, at: wall });
    if (this.values.size > this.maxEntries) this.values.delete(this.values.keys().next().value!);
    if (wall - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.lastPruneAt = wall;
      for (const [k, seen] of this.values) if (wall - seen.at > KEEP_MS) this.values.delete(k);
    }
  }

  get(key: string, wall: number): number {
    const seen = this.values.get(key);
    return seen && wall - seen.at <= KEEP_MS ? seen.value : 0;
  }
}

export class LastSeenTotals {
  private readonly sessionCost: RecentValues;
  private readonly sessionSeconds: RecentValues;
  private readonly dayCost: RecentValues;
  private readonly ipSeconds: RecentValues;

  constructor(private readonly clock: () => number = Date.now, maxEntries = DEFAULT_MAX_ENTRIES) {
    this.sessionCost = new RecentValues(maxEntries);
    this.sessionSeconds = new RecentValues(maxEntries);
    this.dayCost = new RecentValues(maxEntries);
    this.ipSeconds = new RecentValues(maxEntries);
  }

  seenSession(sessionId: string, figures: { costNanoUsd?: number; connectedSeconds?: number }): void {
    const wall = this.clock();
    if (figures.costNanoUsd !== undefined) this.sessionCost.set(sessionId, figures.costNanoUsd, wall);
    if (figures.connectedSeconds !== undefined) this.sessionSeconds.set(sessionId, figures.connectedSeconds, wall);
  }

  seenDayCost(day: string, costNanoUsd: number): void {
    this.dayCost.set(day, costNanoUsd, this.clock());
  }

  seenIpSeconds(ip: string, day: string, seconds: number): void {
    this.ipSeconds.set(`${day} ${ip}`, seconds, this.clock());
  }

  session(sessionId: string): { costNanoUsd: number; connectedSeconds: number } {
    const wall = this.clock();
    return { costNanoUsd: this.sessionCost.get(sessionId, wall), connectedSeconds: this.sessionSeconds.get(sessionId, wall) };
  }

  day(day: string): number {
    return this.dayCost.get(day, this.clock());
  }

  ip(ip: string, day: string): number {
    return this.ipSeconds.get(`${day} ${ip}`, this.clock());
  }
}

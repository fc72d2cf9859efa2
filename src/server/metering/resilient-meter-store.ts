/**
 * Redis-backed meters that survive a Redis outage, like the resilient session store: while Redis is not
 * ready (or a call to it fails) writes go to this instance's memory store, and once the client reconnects
 * they go to Redis again without anyone intervening. No Redis error ever reaches a caller.
 *
 * Figures are sums: what Redis holds plus what memory collected during an outage (memory is empty
 * otherwise), so spend metered during an outage still counts once Redis is back. While Redis is away the
 * shared part is the last figure this instance read from it (LastSeenTotals), so budgets keep their
 * progress; a ledger's per-modality usage then covers the outage only.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { RedisFallback } from '../redis/redis-fallback';
import { LastSeenTotals } from './last-seen-totals';
import type { MemoryMeterStore } from './memory-meter-store';
import type { BudgetVerdict, MeterStore, SessionClosure, SessionLedger, SessionLink, TokenUsage, UtcDay } from './metering-types';
import { addUsage } from './usage';

export interface ResilientMeterStoreOptions {
  /** Wall clock for the last-seen figures' expiry; tests pass their own. */
  clock?: () => number;
}

export class ResilientMeterStore implements MeterStore {
  private readonly lastSeen: LastSeenTotals;
  private readonly redis: RedisFallback;

  constructor(
    client: Redis,
    private readonly shared: MeterStore,
    private readonly local: MemoryMeterStore,
    logger: Logger,
    options: ResilientMeterStoreOptions = {},
  ) {
    this.lastSeen = new LastSeenTotals(options.clock);
    this.redis = new RedisFallback(client, logger, {
      degradedEvent: 'meterStoreDegraded',
      degraded: 'usage meters degraded to per-instance memory (budgets count this instance only, from the last shared figures, until Redis is back)',
      recoveredEvent: 'meterStoreRecovered',
      recovered: 'usage meters are shared through Redis again',
    });
  }

  /** True while meters are kept per instance (Redis not ready, or its last call failed). */
  isDegraded(): boolean {
    return this.redis.isDegraded();
  }

  async addUsage(sessionId: string, usage: TokenUsage, costNanoUsd: number, day: UtcDay, now: number) {
    const viaRedis = await this.redis.attempt('addUsage', () => this.shared.addUsage(sessionId, usage, costNanoUsd, day, now));
    if (viaRedis.ok) {
      this.lastSeen.seenSession(sessionId, { costNanoUsd: viaRedis.value.sessionCostNanoUsd });
      this.lastSeen.seenDayCost(day, viaRedis.value.dayCostNanoUsd);
      return {
        sessionCostNanoUsd: viaRedis.value.sessionCostNanoUsd + ((await this.localLedger(sessionId))?.costNanoUsd ?? 0),
        dayCostNanoUsd: viaRedis.value.dayCostNanoUsd + (await this.local.dayCost(day)),
      };
    }
    const local = await this.local.addUsage(sessionId, usage, costNanoUsd, day, now);
    return {
      sessionCostNanoUsd: local.sessionCostNanoUsd + this.lastSeen.session(sessionId).costNanoUsd,
      dayCostNanoUsd: local.dayCostNanoUsd + this.lastSeen.day(day),
    };
  }

  async addSeconds(sessionId: string, ip: string, seconds: number, day: UtcDay, now: number) {
    const viaRedis = await this.redis.attempt('addSeconds', () => this.shared.addSeconds(sessionId, ip, seconds, day, now));
    if (viaRedis.ok) {
      this.lastSeen.seenSession(sessionId, { connectedSeconds: viaRedis.value.sessionSeconds });
      this.lastSeen.seenIpSeconds(ip, day, viaRedis.value.ipSecondsToday);
      return {
        sessionSeconds: sumSeconds(viaRedis.value.sessionSeconds, (await this.localLedger(sessionId))?.connectedSeconds ?? 0),
        ipSecondsToday: sumSeconds(viaRedis.value.ipSecondsToday, await this.local.ipSeconds(ip, day)),
      };
    }
    const local = await this.local.addSeconds(sessionId, ip, seconds, day, now);
    return {
      sessionSeconds: sumSeconds(local.sessionSeconds, this.lastSeen.session(sessionId).connectedSeconds),
      ipSecondsToday: sumSeconds(local.ipSecondsToday, this.lastSeen.ip(ip, day)),
    };
  }

  async link(sessionId: string, link: SessionLink, now: number): Promise<void> {
    const viaRedis = await this.redis.attempt('link', () => this.shared.link(sessionId, link, now));
    if (!viaRedis.ok) await this.local.link(sessionId, link, now);
  }

  async setVerdict(sessionId: string, verdict: Pick<BudgetVerdict, 'endsAt' | 'limit'>, now: number): Promise<void> {
    const viaRedis = await this.redis.attempt('setVerdict', () => this.shared.setVerdict(sessionId, verdict, now));
    if (!viaRedis.ok) await this.local.setVerdict(sessionId, verdict, now);
  }

  /** A closure recorded in memory during an outage came first: it is the one offered to Redis once it is back. */
  async close(sessionId: string, closure: SessionClosure): Promise<SessionClosure> {
    const first = (await this.localLedger(sessionId))?.closed ?? closure;
    const viaRedis = await this.redis.attempt('close', () => this.shared.close(sessionId, first));
    return viaRedis.ok ? viaRedis.value : this.local.close(sessionId, closure);
  }

  async ledger(sessionId: string): Promise<SessionLedger | null> {
    const found = await this.ledgers([sessionId]);
    return found.get(sessionId) ?? null;
  }

  async ledgers(sessionIds: readonly string[]): Promise<Map<string, SessionLedger>> {
    const local = this.local.isEmpty() ? new Map<string, SessionLedger>() : await this.local.ledgers(sessionIds);
    const viaRedis = await this.redis.attempt('ledgers', () => this.shared.ledgers(sessionIds));
    if (!viaRedis.ok) {
      for (const [id, ledger] of local) local.set(id, withFigures(ledger, this.lastSeen.session(id)));
      return local;
    }
    const merged = new Map<string, SessionLedger>();
    for (const [id, ledger] of viaRedis.value) {
      this.lastSeen.seenSession(id, ledger);
      const outage = local.get(id);
      merged.set(id, outage ? mergeLedgers(ledger, outage) : ledger);
    }
    for (const [id, ledger] of local) if (!merged.has(id)) merged.set(id, ledger);
    return merged;
  }

  async dayCost(day: UtcDay): Promise<number> {
    const local = await this.local.dayCost(day);
    const viaRedis = await this.redis.attempt('dayCost', () => this.shared.dayCost(day));
    if (!viaRedis.ok) return local + this.lastSeen.day(day);
    this.lastSeen.seenDayCost(day, viaRedis.value);
    return local + viaRedis.value;
  }

  async ipSeconds(ip: string, day: UtcDay): Promise<number> {
    const local = await this.local.ipSeconds(ip, day);
    const viaRedis = await this.redis.attempt('ipSeconds', () => this.shared.ipSeconds(ip, day));
    if (!viaRedis.ok) return sumSeconds(local, this.lastSeen.ip(ip, day));
    this.lastSeen.seenIpSeconds(ip, day, viaRedis.value);
    return sumSeconds(local, viaRedis.value);
  }

  async dispose(): Promise<void> {
    this.redis.dispose();
  }

  private async localLedger(sessionId: string): Promise<SessionLedger | null> {
    return this.local.isEmpty() ? null : this.local.ledger(sessionId);
  }

}

/** Seconds kept to whole milliseconds, so adding two figures never shows float noise (0.1 + 0.2). */
function sumSeconds(a: number, b: number): number {
  return Math.round((a + b) * 1000) / 1000;
}

function withFigures(ledger: SessionLedger, shared: { costNanoUsd: number; connectedSeconds: number }): SessionLedger {
  return {
    ...ledger,
    costNanoUsd: ledger.costNanoUsd + shared.costNanoUsd,
    connectedSeconds: sumSeconds(ledger.connectedSeconds, shared.connectedSeconds),
  };
}

/**
 * Redis's ledger plus the outage-time one: counters add up; the verdict and link come from whichever was
 * written last; the earlier closure wins (first closure wins everywhere).
 */
function mergeLedgers(shared: SessionLedger, outage: SessionLedger): SessionLedger {
  const [newer, older] = outage.updatedAt > shared.updatedAt ? [outage, shared] : [shared, outage];
  const verdictFrom = newer.endsAt !== undefined ? newer : older;
  const link = newer.link ?? older.link;
  const closures = [shared.closed, outage.closed].filter((c): c is SessionClosure => c !== undefined);
  const closed = closures.sort((a, b) => a.at - b.at)[0];
  return {
    sessionId: shared.sessionId,
    usage: addUsage(shared.usage, outage.usage),
    costNanoUsd: shared.costNanoUsd + outage.costNanoUsd,
    connectedSeconds: sumSeconds(shared.connectedSeconds, outage.connectedSeconds),
    ...(verdictFrom.endsAt !== undefined && verdictFrom.limit !== undefined ? { endsAt: verdictFrom.endsAt, limit: verdictFrom.limit } : {}),
    ...(link ? { link } : {}),
    ...(closed ? { closed } : {}),
    updatedAt: newer.updatedAt,
  };
}

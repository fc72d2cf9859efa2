/**
 * Meters shared by every instance through Redis. Counters only ever grow by HINCRBY/INCRBY, so two
 * instances adding usage for the same session, IP or day at once never lose an update; each method is
 * one MULTI (one round trip, applied as a unit). Errors propagate: the resilient store decides what a
 * Redis failure means.
 *
 * Layout under a prefix P (`va:mt:` by default):
 * - `P s:<sessionId>` hash: the usage fields, `costNanoUsd`, `connectedMs` (integer ms), `endsAt` and
 *   `limit` (the holder's verdict), `link` and `closed` (JSON), `updatedAt`; EXPIRE 24 h, renewed by writes.
 * - `P d:<day>:cost` the day's estimated spend (nano-USD), and `P d:<day>:ip:<ip>` the IP's connected
 *   milliseconds that day; EXPIRE 48 h, so yesterday's totals are still readable just after midnight.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import {
  BUDGET_LIMITS,
  USAGE_FIELDS,
  ZERO_USAGE,
  type BudgetVerdict,
  type MeterStore,
  type SessionClosure,
  type SessionLedger,
  type SessionLink,
  type TokenUsage,
  type UtcDay,
} from './metering-types';
import { secondsToMs, wholeAmount, wholeUsage } from './meter-units';

export const DEFAULT_METER_KEY_PREFIX = 'va:mt:';
export const LEDGER_TTL_SECONDS = 24 * 3600;
export const DAY_TTL_SECONDS = 48 * 3600;

export interface RedisMeterStoreOptions {
  keyPrefix?: string;
}

export class RedisMeterStore implements MeterStore {
  private readonly prefix: string;

  constructor(private readonly client: Redis, options: RedisMeterStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? DEFAULT_METER_KEY_PREFIX;
  }

  async addUsage(sessionId: string, usage: TokenUsage, costNanoUsd: number, day: UtcDay, now: number) {
    const ledger = this.ledgerKey(sessionId);
    const dayCost = this.dayCostKey(day);
    const counts = wholeUsage(usage);
    const tx = this.client.multi().hincrby(ledger, 'costNanoUsd', wholeAmount(costNanoUsd)).incrby(dayCost, wholeAmount(costNanoUsd));
    for (const field of USAGE_FIELDS) if (counts[field] > 0) tx.hincrby(ledger, field, counts[field]);
    this.renewLedger(tx, ledger, now).expire(dayCost, DAY_TTL_SECONDS);
    const [sessionCostNanoUsd, dayCostNanoUsd] = await execute(tx);
    return { sessionCostNanoUsd: Number(sessionCostNanoUsd), dayCostNanoUsd: Number(dayCostNanoUsd) };
  }

  async addSeconds(sessionId: string, ip: string, seconds: number, day: UtcDay, now: number) {
    const ledger = this.ledgerKey(sessionId);
    const ipKey = this.ipKey(ip, day);
    const ms = secondsToMs(seconds);
    const tx = this.client.multi().hincrby(ledger, 'connectedMs', ms).incrby(ipKey, ms);
    this.renewLedger(tx, ledger, now).expire(ipKey, DAY_TTL_SECONDS);
    const [sessionMs, ipMs] = await execute(tx);
    return { sessionSeconds: Number(sessionMs) / 1000, ipSecondsToday: Number(ipMs) / 1000 };
  }

  async link(sessionId: string, link: SessionLink, now: number): Promise<void> {
    const ledger = this.ledgerKey(sessionId);
    await execute(this.renewLedger(this.client.multi().hset(ledger, 'link', JSON.stringify(link)), ledger, now));
  }

  async setVerdict(sessionId: string, verdict: Pick<BudgetVerdict, 'endsAt' | 'limit'>, now: number): Promise<void> {
    const ledger = this.ledgerKey(sessionId);
    const tx = this.client.multi().hset(ledger, 'endsAt', String(verdict.endsAt), 'limit', verdict.limit);
    await execute(this.renewLedger(tx, ledger, now));
  }

  /** HSETNX then HGET in one MULTI: whichever instance's closure landed first is what everyone gets back. */
  async close(sessionId: string, closure: SessionClosure): Promise<SessionClosure> {
    const ledger = this.ledgerKey(sessionId);
    const tx = this.client.multi().hsetnx(ledger, 'closed', JSON.stringify(closure)).hget(ledger, 'closed');
    const [, stored] = await execute(this.renewLedger(tx, ledger, closure.at));
    const winner = parseClosure(typeof stored === 'string' ? stored : undefined);
    if (!winner) throw new Error('unexpected closure stored in Redis');
    return winner;
  }

  async ledger(sessionId: string): Promise<SessionLedger | null> {
    return toLedger(sessionId, await this.client.hgetall(this.ledgerKey(sessionId)));
  }

  async ledgers(sessionIds: readonly string[]): Promise<Map<string, SessionLedger>> {
    const found = new Map<string, SessionLedger>();
    if (sessionIds.length === 0) return found;
    const pipeline = this.client.pipeline();
    for (const id of sessionIds) pipeline.hgetall(this.ledgerKey(id));
    const hashes = await execute(pipeline);
    sessionIds.forEach((id, i) => {
      const ledger = toLedger(id, hashes[i] as Record<string, string>);
      if (ledger) found.set(id, ledger);
    });
    return found;
  }

  async dayCost(day: UtcDay): Promise<number> {
    return Number((await this.client.get(this.dayCostKey(day))) ?? 0);
  }

  async ipSeconds(ip: string, day: UtcDay): Promise<number> {
    return Number((await this.client.get(this.ipKey(ip, day))) ?? 0) / 1000;
  }

  isDegraded(): boolean {
    return false;
  }

  private renewLedger(tx: ChainableCommander, ledger: string, now: number): ChainableCommander {
    return tx.hset(ledger, 'updatedAt', String(now)).expire(ledger, LEDGER_TTL_SECONDS);
  }

  private ledgerKey(sessionId: string): string {
    return `${this.prefix}s:${sessionId}`;
  }

  private dayCostKey(day: UtcDay): string {
    return `${this.prefix}d:${day}:cost`;
  }

  private ipKey(ip: string, day: UtcDay): string {
    return `${this.prefix}d:${day}:ip:${ip}`;
  }
}

/** Runs a MULTI or pipeline and returns its replies, throwing the first command error. */
async function execute(commands: ChainableCommander): Promise<unknown[]> {
  const replies = await commands.exec();
  if (!replies) throw new Error('Redis transaction was discarded');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

const LIMITS: ReadonlySet<string> = new Set(BUDGET_LIMITS);

/** A ledger hash back into a ledger; an empty hash (never metered, or expired) is null. */
function toLedger(sessionId: string, hash: Record<string, string>): SessionLedger | null {
  if (Object.keys(hash).length === 0) return null;
  const usage = { ...ZERO_USAGE };
  for (const field of USAGE_FIELDS) usage[field] = whole(hash[field]);
  const endsAt = Number(hash.endsAt);
  const verdict =
    hash.endsAt && Number.isFinite(endsAt) && hash.limit && LIMITS.has(hash.limit) && hash.limit !== 'operator'
      ? { endsAt, limit: hash.limit as BudgetVerdict['limit'] }
      : {};
  const link = parseLink(hash.link);
  const closed = parseClosure(hash.closed);
  return {
    sessionId,
    usage,
    costNanoUsd: whole(hash.costNanoUsd),
    connectedSeconds: whole(hash.connectedMs) / 1000,
    ...verdict,
    ...(link ? { link } : {}),
    ...(closed ? { closed } : {}),
    updatedAt: whole(hash.updatedAt),
  };
}

function whole(raw: string | undefined): number {
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function parseJson(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseLink(raw: string | undefined): SessionLink | undefined {
  const v = parseJson(raw);
  if (!v || (v.transport !== 'webrtc' && v.transport !== 'websocket')) return undefined;
  if (typeof v.instanceId !== 'string' || typeof v.model !== 'string') return undefined;
  const callId = typeof v.callId === 'string' ? { callId: v.callId } : {};
  return { transport: v.transport, instanceId: v.instanceId, model: v.model, ...callId };
}

function parseClosure(raw: string | undefined): SessionClosure | undefined {
  const v = parseJson(raw);
  if (!v || typeof v.reason !== 'string' || !LIMITS.has(v.reason)) return undefined;
  if (typeof v.message !== 'string' || typeof v.at !== 'number') return undefined;
  return { reason: v.reason as SessionClosure['reason'], message: v.message, at: v.at };
}

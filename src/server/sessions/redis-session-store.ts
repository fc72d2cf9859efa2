/**
 * Session registry shared by every instance through Redis, so N instances enforce one set of quotas.
 * Read-then-write operations are single Lua scripts (see redis-session-scripts.ts) and therefore atomic
 * across instances. Errors propagate: the resilient store decides what a Redis failure means.
 */
import type { Redis } from 'ioredis';
import { END_LUA, KEEPALIVE_LUA, REFRESH_LUA, REGISTER_LUA } from './redis-session-scripts';
import type {
  ModeSwitch,
  RefreshResult,
  RegisterResult,
  SessionCapacity,
  SessionMode,
  SessionRecord,
  SessionStore,
} from './session-store';

export const DEFAULT_KEY_PREFIX = 'va:';
/**
 * Keys outlive expiresAt by this much: instances' clocks differ slightly, and a record must still be
 * readable by the instance whose clock is behind (liveness is always judged against the caller's `now`).
 */
const DEFAULT_GRACE_MS = 60_000;

export interface RedisSessionStoreOptions {
  keyPrefix?: string;
  graceMs?: number;
}

/** The commands defineCommand adds to the client (ioredis cannot type them itself). */
interface SessionScripts {
  vaSessionRegister(...args: Array<string | number>): Promise<string>;
  vaSessionRefresh(...args: Array<string | number>): Promise<string[]>;
  vaSessionEnd(...args: Array<string | number>): Promise<string[] | null>;
  vaSessionKeepAlive(...args: Array<string | number>): Promise<string[]>;
}

const MODES: ReadonlySet<string> = new Set<SessionMode>(['realtime', 'fallback', 'demo']);

export class RedisSessionStore implements SessionStore {
  private readonly prefix: string;
  private readonly grace: number;
  private readonly scripts: SessionScripts;

  constructor(private readonly client: Redis, options: RedisSessionStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.grace = options.graceMs ?? DEFAULT_GRACE_MS;
    // EVALSHA with automatic EVAL on NOSCRIPT, so a restarted (script-cache-less) Redis just works.
    client.defineCommand('vaSessionRegister', { numberOfKeys: 4, lua: REGISTER_LUA });
    client.defineCommand('vaSessionRefresh', { numberOfKeys: 2, lua: REFRESH_LUA });
    client.defineCommand('vaSessionEnd', { numberOfKeys: 2, lua: END_LUA });
    client.defineCommand('vaSessionKeepAlive', { numberOfKeys: 2, lua: KEEPALIVE_LUA });
    this.scripts = client as unknown as SessionScripts;
  }

  async register(record: SessionRecord, capacity: SessionCapacity, now = Date.now()): Promise<RegisterResult> {
    const outcome = await this.scripts.vaSessionRegister(
      this.key('s:', record.id),
      this.key('ip:', record.ip),
      this.key('inst:', record.instanceId),
      this.allKey(),
      this.prefix,
      now,
      this.grace,
      record.id,
      record.mode,
      record.ip,
      record.instanceId,
      record.createdAt,
      record.expiresAt,
      record.refreshCount,
      capacity.maxPerIp,
      capacity.maxPerInstance,
      capacity.maxTotal,
      record.scenarioId ?? '',
      record.recap ?? '',
    );
    if (outcome === 'ok') return { ok: true };
    if (outcome === 'ip_quota' || outcome === 'instance_capacity' || outcome === 'global_capacity') {
      return { ok: false, reason: outcome };
    }
    throw new Error(`unexpected register reply from Redis: ${String(outcome).slice(0, 40)}`);
  }

  async get(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const record = toRecord(await this.client.hgetall(this.key('s:', id)));
    return record && record.expiresAt > now ? record : null;
  }

  async list(limit: number, now = Date.now()): Promise<SessionRecord[]> {
    const ids = await this.client.zrangebyscore(this.allKey(), `(${now}`, '+inf', 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.key('s:', id));
    const replies = (await pipeline.exec()) ?? [];
    const records: SessionRecord[] = [];
    for (const [error, hash] of replies) {
      const record = error ? null : toRecord(hash as Record<string, string>);
      if (record && record.expiresAt > now) records.push(record);
    }
    return records;
  }

  async refresh(id: string, newExpiresAt: number, maxRefreshes: number, now = Date.now(), switchMode?: ModeSwitch): Promise<RefreshResult> {
    const [status, previousMode, ...fields] = await this.scripts.vaSessionRefresh(
      this.key('s:', id),
      this.allKey(),
      this.prefix,
      now,
      this.grace,
      id,
      newExpiresAt,
      maxRefreshes,
      switchMode?.from ?? '',
      switchMode?.to ?? '',
    );
    if (status === 'not_found' || status === 'refresh_limit' || status === 'wrong_mode') return { ok: false, reason: status };
    const record = status === 'ok' ? toRecord(pairs(fields)) : null;
    if (!record || !previousMode || !MODES.has(previousMode)) throw new Error('unexpected refresh reply from Redis');
    return { ok: true, record, previousMode: previousMode as SessionMode };
  }

  async keepAlive(id: string, newExpiresAt: number, now = Date.now()): Promise<SessionRecord | null> {
    const [status, ...fields] = await this.scripts.vaSessionKeepAlive(this.key('s:', id), this.allKey(), this.prefix, now, this.grace, id, newExpiresAt);
    if (status === 'not_found') return null;
    const record = status === 'ok' ? toRecord(pairs(fields)) : null;
    if (!record) throw new Error('unexpected keep-alive reply from Redis');
    return record;
  }

  async end(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const fields = await this.scripts.vaSessionEnd(this.key('s:', id), this.allKey(), this.prefix, now, this.grace, id);
    return fields ? toRecord(pairs(fields)) : null;
  }

  async activeCounts(instanceId: string, now = Date.now()): Promise<{ instance: number; total: number }> {
    const live = `(${now}`;
    const [instance, total] = await Promise.all([
      this.client.zcount(this.key('inst:', instanceId), live, '+inf'),
      this.client.zcount(this.allKey(), live, '+inf'),
    ]);
    return { instance, total };
  }

  private key(kind: 's:' | 'ip:' | 'inst:', value: string): string {
    return `${this.prefix}${kind}${value}`;
  }

  private allKey(): string {
    return `${this.prefix}all`;
  }
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** A hash back into a record; anything incomplete (e.g. a key from an older layout) counts as absent. */
function toRecord(hash: Record<string, string>): SessionRecord | null {
  const { id, mode, ip, instanceId } = hash;
  const createdAt = Number(hash.createdAt);
  const expiresAt = Number(hash.expiresAt);
  const refreshCount = Number(hash.refreshCount);
  if (!id || !mode || !MODES.has(mode) || ip === undefined || !instanceId) return null;
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt) || !Number.isInteger(refreshCount)) return null;
  const scenario = hash.scenarioId ? { scenarioId: hash.scenarioId } : {};
  const recap = hash.recap ? { recap: hash.recap } : {};
  return { id, mode: mode as SessionMode, ip, instanceId, createdAt, expiresAt, refreshCount, ...scenario, ...recap };
}

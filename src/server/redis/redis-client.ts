/**
 * The one shared ioredis connection (session registry, rate limits, tier cache). Tuned so that a Redis
 * outage costs a request milliseconds, never a hang: commands fail fast while disconnected (callers fall
 * back to per-instance state), and the client keeps reconnecting forever so shared state resumes by
 * itself when Redis returns.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';

/** A dead host must not hold a request for the OS default (~2 min) TCP connect timeout. */
const CONNECT_TIMEOUT_MS = 1_000;
/** A stuck (not dead) Redis rejects a command after this, so a request can still answer from memory. */
const COMMAND_TIMEOUT_MS = 500;
/** Reconnect backoff cap: after Redis returns, shared state resumes within about this long. */
const MAX_RECONNECT_DELAY_MS = 2_000;

export function createRedisClient(url: string, logger: Logger): Redis {
  const target = describeRedisUrl(url);
  const client = new Redis(url, {
    // Queuing commands while disconnected would make callers wait for a reconnect: fail them instead.
    enableOfflineQueue: false,
    // A command lost with a dropped connection is retried once at most, then reported as failed.
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Never give up (returning a non-number would end the client for good): 200, 400, 800, 1600, 2000…
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), MAX_RECONNECT_DELAY_MS),
  });

  // One warning per outage, not one per reconnect attempt; `down` starts false so a Redis that is
  // missing at startup is reported too.
  let down = false;
  const markDown = (err?: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { event: 'redisUnavailable', redis: target, err: err ? { message: err.message, code: errorCode(err) } : undefined },
      'Redis unavailable: sessions and rate limits fall back to per-instance memory until it returns',
    );
  };
  // Without an 'error' listener ioredis prints every failed attempt to stderr itself.
  client.on('error', (err: Error) => markDown(err));
  // 'reconnecting' (not 'close') so an intentional quit() is not reported as an outage.
  client.on('reconnecting', () => markDown());
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ event: 'redisRecovered', redis: target }, 'Redis is back: shared sessions and rate limits resumed');
  });
  return client;
}

/** For health checks and for choosing a store without paying for a command that would fail. */
export function redisIsReady(client: Redis): boolean {
  return client.status === 'ready';
}

/** `host:port/db` for logs: never the username or password a REDIS_URL may carry. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\/+/, '');
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${db ? `/${db}` : ''}`;
  } catch {
    return '[unparseable REDIS_URL]';
  }
}

function errorCode(err: Error): string | undefined {
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Small shared pieces for the Redis-backed unit tests (sessions, limits, client): a logger whose lines
 * can be inspected, a bounded poll, a "did not hang" timer, and a client that is ready before use.
 */
import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../../src/server/observability/logger';
import { createRedisClient, redisIsReady } from '../../../src/server/redis/redis-client';

export interface CapturedLogger {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  raw(): string;
  events(name: string): Array<Record<string, unknown>>;
}

export function captureLogger(level = 'debug'): CapturedLogger {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(level, {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines, raw: () => raw.join(''), events: (name) => lines.filter((l) => l.event === name) };
}

export const silentLogger = (): Logger => createLogger('silent');

/** Polls until `check` is true; fails the test (instead of hanging it) after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the value and how long it took: for "answers, does not hang" assertions. */
export async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

/** A client configured exactly like production, connected before it is handed out. */
export async function readyClient(url: string, logger: Logger = silentLogger()): Promise<Redis> {
  const client = createRedisClient(url, logger);
  await waitFor(() => redisIsReady(client), 5_000, 'redis client ready');
  return client;
}

export async function closeClient(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

let counter = 0;
/** A key prefix no other test uses, so tests sharing one redis-server never see each other's keys. */
export function uniquePrefix(label: string): string {
  counter += 1;
  return `t:${label}:${process.pid}:${counter}:`;
}

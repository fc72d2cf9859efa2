/**
 * The shared Redis client: fails fast while Redis is away, reconnects by itself, and reports each outage
 * once (without the password a REDIS_URL may carry).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, describeRedisUrl, redisIsReady } from '../../../src/server/redis/redis-client';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../../helpers/redis-server';
import { captureLogger, closeClient, timed, waitFor } from './redis-test-support';

const PASSWORD = 'pw-Do-Not-Log-7f3a9c';

describe('describeRedisUrl', () => {
  it('keeps host, port and db, drops credentials', () => {
    expect(describeRedisUrl('redis://user:secret@cache.internal:6380/2')).toBe('redis://cache.internal:6380/2');
    expect(describeRedisUrl('rediss://:secret@cache.internal')).toBe('rediss://cache.internal:6379');
    expect(describeRedisUrl('not a url')).not.toContain('not a url');
  });
});

describe.skipIf(!haveRedisServer)(redisSuiteTitle('createRedisClient'), () => {
  let server: RedisServerHandle;

  beforeAll(async () => {
    server = await startRedisServer({ password: PASSWORD });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reports one redisUnavailable per outage and redisRecovered after it, never the password', async () => {
    const logs = captureLogger();
    const client = createRedisClient(server.url, logs.logger);
    try {
      await waitFor(() => redisIsReady(client), 5_000, 'ready');
      expect(await client.ping()).toBe('PONG');

      await server.stop();
      await waitFor(() => logs.events('redisUnavailable').length > 0, 5_000, 'redisUnavailable');
      expect(redisIsReady(client)).toBe(false);
      // Commands fail fast instead of queueing until Redis returns.
      const failed = await timed(client.get('k').then(() => 'answered', () => 'rejected'));
      expect(failed.value).toBe('rejected');
      expect(failed.ms).toBeLessThan(1_500);
      // Let a few reconnect attempts fail: still one warning.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(logs.events('redisUnavailable')).toHaveLength(1);

      await server.restart();
      await waitFor(() => redisIsReady(client), 10_000, 'reconnect');
      expect(logs.events('redisRecovered')).toHaveLength(1);
      expect(await client.ping()).toBe('PONG');

      expect(logs.raw()).not.toContain(PASSWORD);
      expect(logs.events('redisUnavailable')[0]).toMatchObject({ level: 'warn', redis: `redis://127.0.0.1:${server.port}` });
    } finally {
      await closeClient(client);
    }
  });

  it('a deliberate quit is not reported as an outage', async () => {
    const logs = captureLogger();
    const client = createRedisClient(server.url, logs.logger);
    await waitFor(() => redisIsReady(client), 5_000, 'ready');
    await client.quit();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.events('redisUnavailable')).toEqual([]);
  });

  it('reports Redis missing at startup once, and commands fail fast', async () => {
    const logs = captureLogger();
    const client = createRedisClient('redis://127.0.0.1:1', logs.logger);
    try {
      const result = await timed(client.get('k').then(() => 'answered', () => 'rejected'));
      expect(result.value).toBe('rejected');
      expect(result.ms).toBeLessThan(1_500);
      await waitFor(() => logs.events('redisUnavailable').length > 0, 5_000, 'redisUnavailable');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(logs.events('redisUnavailable')).toHaveLength(1);
    } finally {
      client.disconnect();
    }
  });
});

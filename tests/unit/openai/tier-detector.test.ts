import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createMetrics } from '../../../src/server/observability/metrics';
import { createMemoryTierCache } from '../../../src/server/openai/tier-cache';
import { createTierDetector } from '../../../src/server/openai/tier-detector';
import { UpstreamCallError, type OpenAIUpstream } from '../../../src/server/openai/openai-upstream';

const logger = pino({ level: 'silent' });

function fakeUpstream(answer: () => Promise<string[]>) {
  let calls = 0;
  const upstream: OpenAIUpstream = {
    listModelIds: () => {
      calls += 1;
      return answer();
    },
    mintRealtimeSecret: () => Promise.reject(new Error('not used')),
  };
  return { upstream, calls: () => calls };
}

function detector(upstream: OpenAIUpstream, now = () => Date.now(), ttlSeconds = 300) {
  return createTierDetector({
    upstream,
    cache: createMemoryTierCache(now),
    apiKey: 'sk-test',
    baseUrl: 'http://x/v1',
    model: 'gpt-realtime-2.1',
    ttlSeconds,
    metrics: createMetrics(),
    logger,
  });
}

describe('tier detection', () => {
  it('is realtime when the configured model is listed, standard when it is not', async () => {
    expect(await detector(fakeUpstream(async () => ['gpt-4o', 'gpt-realtime-2.1']).upstream).detect()).toBe('realtime');
    expect(await detector(fakeUpstream(async () => ['gpt-4o', 'gpt-realtime-1.5']).upstream).detect()).toBe('standard');
  });

  it('maps a rejected key to invalid_key and other failures to unknown', async () => {
    const fail = (kind: 'invalid_key' | 'server_error' | 'timeout') => async () => {
      throw new UpstreamCallError({ kind, status: kind === 'invalid_key' ? 401 : 500, code: null, detail: '' });
    };
    expect(await detector(fakeUpstream(fail('invalid_key')).upstream).detect()).toBe('invalid_key');
    expect(await detector(fakeUpstream(fail('server_error')).upstream).detect()).toBe('unknown');
    expect(await detector(fakeUpstream(fail('timeout')).upstream).detect()).toBe('unknown');
  });

  it('shares one upstream request between concurrent callers and caches the answer', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = fakeUpstream(async () => {
      await gate;
      return ['gpt-realtime-2.1'];
    });
    const d = detector(fake.upstream);
    const pending = Array.from({ length: 20 }, () => d.detect());
    release();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(['realtime']));
    await d.detect();
    expect(fake.calls()).toBe(1);
  });

  it('asks again once the cache entry expires; unknown is cached only briefly', async () => {
    let t = 1_000_000;
    const fake = fakeUpstream(async () => ['gpt-realtime-2.1']);
    const d = detector(fake.upstream, () => t, 60);
    await d.detect();
    t += 59_000;
    await d.detect();
    expect(fake.calls()).toBe(1);
    t += 2_000;
    await d.detect();
    expect(fake.calls()).toBe(2);

    const failing = fakeUpstream(async () => {
      throw new UpstreamCallError({ kind: 'network', status: 0, code: null, detail: '' });
    });
    const d2 = detector(failing.upstream, () => t, 300);
    await d2.detect();
    t += 16_000;
    await d2.detect();
    expect(failing.calls()).toBe(2);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '../../../src/server/sessions/memory-session-store';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import { newSessionId } from '../../../src/server/sessions/session-id';
import { silentLogger } from '../redis/redis-test-support';
import { sessionStoreContract } from './session-store-contract';

sessionStoreContract('memory', async () => {
  const store = new MemorySessionStore();
  return { store, cleanup: async () => store.close() };
});

sessionStoreContract('createSessionStore without Redis', async () => {
  const store = createSessionStore({ logger: silentLogger() });
  return { store, cleanup: () => store.close() };
});

describe('MemorySessionStore housekeeping', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the background sweep drops expired sessions nobody asks about', async () => {
    vi.useFakeTimers();
    const store = new MemorySessionStore({ sweepIntervalMs: 1_000 });
    const now = Date.now();
    const cap = { maxPerIp: 5, maxPerInstance: 5, maxTotal: 5 };
    await store.register(
      { id: newSessionId(), mode: 'demo', ip: '10.0.0.1', instanceId: 'i', createdAt: now, expiresAt: now + 500, refreshCount: 0 },
      cap,
      now,
    );
    expect(store.isEmpty()).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(store.isEmpty()).toBe(true);
    store.close();
  });

  it('createSessionStore without Redis is never degraded', async () => {
    const store = createSessionStore({ logger: silentLogger() });
    expect(store.isDegraded()).toBe(false);
    await store.close();
  });
});

/**
 * The token service with a recap: a valid one is bound into the realtime mint, kept on the session (refreshes,
 * a switch to fallback), and accepted the same way by fallback and demo sessions; an invalid one starts the
 * session without it and says why in `warnings`.
 */
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config';
import { loadScenarioCatalogue } from '../../../src/server/coach/scenario-catalogue';
import { coachInstructions } from '../../../src/server/coach/scenario-instructions';
import { createLogger } from '../../../src/server/observability/logger';
import { createMetrics } from '../../../src/server/observability/metrics';
import { createRateLimits } from '../../../src/server/limits/rate-limits';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import { createTokenService } from '../../../src/server/tokens/token-service';
import { signRecapToken } from '../../../src/server/tokens/recap-token';
import { RECAP_WARNINGS } from '../../../src/server/tokens/token-recap';
import type { OpenAIUpstream } from '../../../src/server/openai/openai-upstream';
import type { Tier } from '../../../src/server/openai/tier-detector';

const catalogue = loadScenarioCatalogue(fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url)));
const BOARD = catalogue.get('fixture-board-pitch')!;
const SECRET = 'recap-unit-tests-secret-0123456789abcdef';
const KEY = new TextEncoder().encode(SECRET);
const SUMMARY = 'Previous session (24 Nov 2026): overall 58/100. Strongest: Clear ask (4/5). Weakest: Risk ownership (2/5).';

const stores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function service(env: Record<string, string>, tier?: Tier) {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const mints: Array<{ instructions?: string }> = [];
  const upstream: OpenAIUpstream = {
    listModelIds: async () => ['gpt-realtime-2.1'],
    mintRealtimeSecret: async (ttl, options = {}) => {
      mints.push(options);
      return { value: `ek_test_${mints.length}`, expiresAtMs: Date.now() + ttl * 1000, model: 'gpt-realtime-2.1' };
    },
  };
  const config = loadConfig({ RATE_LIMIT_PER_IP_PER_MINUTE: '100', MAX_SESSIONS_PER_IP: '100', SESSION_SECRET: SECRET, ...env });
  const store = createSessionStore({ logger });
  stores.push(store);
  const tier$ = tier;
  const tokens = createTokenService({
    config,
    store,
    limits: createRateLimits(config),
    upstream: tier$ ? upstream : undefined,
    tier: tier$ ? { detect: async () => tier$, peek: async () => tier$, remember: async () => {} } : undefined,
    metrics: createMetrics(),
    logger,
    instanceId: 'test-instance',
    scenarios: catalogue,
  });
  return { tokens, store, mints, output: () => lines.join(''), logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const recapFor = (scenarioId: string, summary = SUMMARY) => signRecapToken(KEY, { scenarioId, summary });

describe('token service with a recap', () => {
  it('realtime: the mint carries the recap; the session keeps it for refreshes and the switch to fallback', async () => {
    const { tokens, store, mints, output, logs } = service({ OPENAI_API_KEY: 'sk-x', TOKEN_REFRESH_LIMIT: '5' }, 'realtime');
    const recap = await recapFor(BOARD.id);
    const t = await tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap });
    expect(t.mode).toBe('realtime');
    expect(t.warnings).toBeUndefined();
    expect(mints[0]!.instructions).toBe(coachInstructions(BOARD, SUMMARY));
    expect((await store.get(t.sessionId))?.recap).toBe(SUMMARY);

    await tokens.refreshToken('1.1.1.1', t.sessionId);
    expect(mints[1]!.instructions).toBe(coachInstructions(BOARD, SUMMARY));
    const switched = await tokens.refreshToken('1.1.1.1', t.sessionId, { mode: 'fallback' });
    expect(switched.mode).toBe('fallback');
    expect(await store.get(t.sessionId)).toMatchObject({ mode: 'fallback', scenarioId: BOARD.id, recap: SUMMARY });
    expect(logs().filter((l) => l.event === 'tokenGenerated').map((l) => l.recap)).toEqual([true, true, true]);
    expect(output()).not.toContain(recap);
    expect(output()).not.toContain('Risk ownership');
  });

  it('free coaching takes a free-coaching recap', async () => {
    const { tokens, mints } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime');
    await tokens.issueToken('1.1.1.1', { recap: await recapFor('free-coaching') });
    expect(mints[0]!.instructions).toBe(coachInstructions(undefined, SUMMARY));
  });

  it('an invalid recap: the session starts without it and `warnings` says why (after any mode warning)', async () => {
    const { tokens, store, mints, logs } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime');
    const elsewhere = await tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap: await recapFor('free-coaching') });
    expect(elsewhere.warnings).toEqual([RECAP_WARNINGS.scenario_mismatch]);
    expect(mints[0]!.instructions).toBe(coachInstructions(BOARD));
    expect(await store.get(elsewhere.sessionId)).not.toHaveProperty('recap');
    const junk = await tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap: 'eyJhbGciOiJIUzI1NiJ9.e30.x' });
    expect(junk.warnings).toEqual([RECAP_WARNINGS.invalid]);
    expect(logs().filter((l) => l.event === 'recapRejected').map((l) => l.reason)).toEqual(['scenario_mismatch', 'invalid']);

    const standard = service({ OPENAI_API_KEY: 'sk-x' }, 'standard');
    const fallback = await standard.tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap: await signRecapToken(new TextEncoder().encode('x'.repeat(32)), { scenarioId: BOARD.id, summary: SUMMARY }) });
    expect(fallback.mode).toBe('fallback');
    expect(fallback.warnings).toHaveLength(2);
    expect(fallback.warnings![0]).toMatch(/fallback mode/);
    expect(fallback.warnings![1]).toBe(RECAP_WARNINGS.invalid);
  });

  it('fallback and demo sessions keep a valid recap on the record', async () => {
    const standard = service({ OPENAI_API_KEY: 'sk-x' }, 'standard');
    const f = await standard.tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap: await recapFor(BOARD.id) });
    expect(f.mode).toBe('fallback');
    expect((await standard.store.get(f.sessionId))?.recap).toBe(SUMMARY);
    const demo = service({});
    const d = await demo.tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id, recap: await recapFor(BOARD.id) });
    expect(d.mode).toBe('demo');
    expect(d.warnings).toHaveLength(1); // the no-key demo warning only
    expect((await demo.store.get(d.sessionId))?.recap).toBe(SUMMARY);
  });
});

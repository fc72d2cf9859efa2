/**
 * The token service with practice scenarios: the request names an id, the server binds that scenario's
 * instructions (realtime: at mint time; fallback/demo: the signed `scenario` claim) and keeps it on the session
 * for refreshes and mode switches. Responses and logs carry the id and title, never the instructions.
 */
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../../src/server/config';
import { loadScenarioCatalogue } from '../../../src/server/coach/scenario-catalogue';
import { coachInstructions, scenarioBlock } from '../../../src/server/coach/scenario-instructions';
import { COACH_INSTRUCTIONS } from '../../../src/server/coach/coach-session';
import { ApiError } from '../../../src/server/http/api-error';
import { createLogger } from '../../../src/server/observability/logger';
import { createMetrics } from '../../../src/server/observability/metrics';
import { createRateLimits } from '../../../src/server/limits/rate-limits';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import { createTokenService } from '../../../src/server/tokens/token-service';
import { UpstreamCallError, type OpenAIUpstream } from '../../../src/server/openai/openai-upstream';
import type { Tier, TierDetector } from '../../../src/server/openai/tier-detector';

const catalogue = loadScenarioCatalogue(fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url)));
const BOARD = catalogue.get('fixture-board-pitch')!;

const stores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const tierOf = (tier: Tier): TierDetector => ({ detect: async () => tier, peek: async () => tier, remember: async () => {} });

function service(env: Record<string, string>, tier?: Tier, failMint?: () => UpstreamCallError | undefined) {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const mints: Array<{ instructions?: string }> = [];
  const upstream: OpenAIUpstream = {
    listModelIds: async () => ['gpt-realtime-2.1'],
    mintRealtimeSecret: async (ttl, options = {}) => {
      const failure = failMint?.();
      if (failure) throw failure;
      mints.push(options);
      return { value: `ek_test_${mints.length}`, expiresAtMs: Date.now() + ttl * 1000, model: 'gpt-realtime-2.1' };
    },
  };
  const config = loadConfig({ RATE_LIMIT_PER_IP_PER_MINUTE: '100', MAX_SESSIONS_PER_IP: '100', ...env });
  const store = createSessionStore({ logger });
  stores.push(store);
  const tokens = createTokenService({
    config,
    store,
    limits: createRateLimits(config),
    upstream: tier ? upstream : undefined,
    tier: tier ? tierOf(tier) : undefined,
    metrics: createMetrics(),
    logger,
    instanceId: 'test-instance',
    scenarios: catalogue,
  });
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { tokens, store, mints, logs, output: () => lines.join('') };
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('token service with scenarios', () => {
  it('realtime: mints with the scenario instructions, answers {id, title}, keeps the scenario for refreshes', async () => {
    const { tokens, store, mints, logs, output } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime');
    const t = await tokens.issueToken('1.1.1.1', { scenarioId: BOARD.id });
    expect(t).toMatchObject({ mode: 'realtime', scenario: { id: BOARD.id, title: BOARD.title } });
    expect(mints[0]!.instructions).toBe(coachInstructions(BOARD));
    expect((await store.get(t.sessionId))?.scenarioId).toBe(BOARD.id);

    const r = await tokens.refreshToken('1.1.1.1', t.sessionId);
    expect(r).toMatchObject({ mode: 'realtime', scenario: { id: BOARD.id, title: BOARD.title } });
    expect(mints[1]!.instructions).toBe(coachInstructions(BOARD));

    expect(logs().filter((l) => l.event === 'tokenGenerated').map((l) => [l.kind, l.scenario])).toEqual([
      ['new', BOARD.id],
      ['refresh', BOARD.id],
    ]);
    expect(JSON.stringify([t, r])).not.toContain(BOARD.counterpart.persona);
    expect(output()).not.toContain(scenarioBlock(BOARD).slice(0, 60));
    expect(output()).not.toContain(BOARD.counterpart.persona);
  });

  it('no scenario: free coaching exactly as before (coach instructions, no scenario anywhere)', async () => {
    const { tokens, store, mints, logs } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime');
    const t = await tokens.issueToken('1.1.1.2');
    expect(t.scenario).toBeUndefined();
    expect(mints[0]!.instructions).toBe(COACH_INSTRUCTIONS);
    expect((await store.get(t.sessionId))).not.toHaveProperty('scenarioId');
    expect(logs().find((l) => l.event === 'tokenGenerated')).not.toHaveProperty('scenario');
    const demo = await service({}).tokens.issueToken('1.1.1.3');
    expect(decodeJwt(demo.token)).not.toHaveProperty('scenario');
  });

  it('fallback and demo: the signed token carries the scenario claim', async () => {
    const fallback = await service({ OPENAI_API_KEY: 'sk-x' }, 'standard').tokens.issueToken('1.1.1.4', { scenarioId: BOARD.id });
    expect(fallback).toMatchObject({ mode: 'fallback', scenario: { id: BOARD.id } });
    expect(decodeJwt(fallback.token)).toMatchObject({ mode: 'fallback', scenario: BOARD.id });
    const { tokens } = service({});
    const demo = await tokens.issueToken('1.1.1.5', { scenarioId: 'fixture-open-coaching' });
    expect(decodeJwt(demo.token)).toMatchObject({ mode: 'demo', scenario: 'fixture-open-coaching' });
    const refreshed = await tokens.refreshToken('1.1.1.5', demo.sessionId);
    expect(decodeJwt(refreshed.token)).toMatchObject({ mode: 'demo', scenario: 'fixture-open-coaching' });
  });

  it('a failed mint that degrades to fallback keeps the scenario', async () => {
    const { tokens } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime', () => new UpstreamCallError({ kind: 'server_error', status: 500, code: null, detail: '' }));
    const t = await tokens.issueToken('1.1.1.6', { scenarioId: BOARD.id });
    expect(t).toMatchObject({ mode: 'fallback', scenario: { id: BOARD.id } });
    expect(decodeJwt(t.token)).toMatchObject({ scenario: BOARD.id });
  });

  it('a switch to fallback (asked for, or forced by lost realtime access) keeps the scenario in the new token', async () => {
    let lost = false;
    const { tokens } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime', () =>
      lost ? new UpstreamCallError({ kind: 'no_realtime_access', status: 403, code: 'model_not_found', detail: '' }) : undefined,
    );
    const a = await tokens.issueToken('1.1.1.7', { scenarioId: BOARD.id });
    const switched = await tokens.refreshToken('1.1.1.7', a.sessionId, { mode: 'fallback' });
    expect(switched).toMatchObject({ mode: 'fallback', scenario: { id: BOARD.id } });
    expect(decodeJwt(switched.token)).toMatchObject({ mode: 'fallback', scenario: BOARD.id });
    const b = await tokens.issueToken('1.1.1.7', { scenarioId: BOARD.id });
    lost = true;
    const forced = await tokens.refreshToken('1.1.1.7', b.sessionId);
    expect(forced).toMatchObject({ mode: 'fallback', scenario: { id: BOARD.id } });
    expect(decodeJwt(forced.token)).toMatchObject({ scenario: BOARD.id });
  });

  it('an unknown scenario is 400 unknown_scenario, before any budget is spent or anything minted', async () => {
    const { tokens, mints } = service({ OPENAI_API_KEY: 'sk-x', RATE_LIMIT_PER_IP_PER_MINUTE: '1' }, 'realtime');
    const e = await apiError(tokens.issueToken('1.1.1.8', { scenarioId: 'no-such-scenario' }));
    expect([e.status, e.code]).toEqual([400, 'unknown_scenario']);
    expect(e.message).toContain('"no-such-scenario"');
    expect(mints).toHaveLength(0);
    await expect(tokens.issueToken('1.1.1.8')).resolves.toMatchObject({ mode: 'realtime' }); // the IP's one request is still there
  });

  it('a session whose scenario this instance does not know refreshes as free coaching, with a warning logged', async () => {
    const { tokens, store, mints, logs } = service({ OPENAI_API_KEY: 'sk-x' }, 'realtime');
    const t = await tokens.issueToken('1.1.1.9');
    // Minted elsewhere (another deploy) for a scenario this catalogue lacks.
    const record = (await store.get(t.sessionId))!;
    await store.end(t.sessionId);
    await store.register({ ...record, scenarioId: 'retired-scenario' }, { maxPerIp: 10, maxPerInstance: 10, maxTotal: 10 });
    const r = await tokens.refreshToken('1.1.1.9', t.sessionId);
    expect(r.scenario).toBeUndefined();
    expect(mints[1]!.instructions).toBe(COACH_INSTRUCTIONS);
    expect(logs().find((l) => l.event === 'scenarioUnavailable')).toMatchObject({ scenario: 'retired-scenario' });
  });

  it('without a catalogue every scenario id is unknown', async () => {
    const config = loadConfig({});
    const logger = createLogger('silent');
    const store = createSessionStore({ logger });
    stores.push(store);
    const tokens = createTokenService({ config, store, limits: createRateLimits(config), upstream: undefined, tier: undefined, metrics: createMetrics(), logger, instanceId: 'i' });
    expect((await apiError(tokens.issueToken('1.1.1.10', { scenarioId: BOARD.id }))).code).toBe('unknown_scenario');
  });
});

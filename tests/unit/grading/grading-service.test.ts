/**
 * The grading service with a fake upstream: session and scenario checks, the limits, the one retry on an
 * unreadable answer (then 502 grading_failed), upstream failures in plain words, and the heuristic grader
 * for demo sessions — without a server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadConfig } from '../../../src/server/config';
import { loadScenarioCatalogue } from '../../../src/server/coach/scenario-catalogue';
import { ApiError } from '../../../src/server/http/api-error';
import { createRateLimits } from '../../../src/server/limits/rate-limits';
import { createMetrics } from '../../../src/server/observability/metrics';
import { UpstreamCallError } from '../../../src/server/openai/upstream-guard';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import type { SessionMode } from '../../../src/server/sessions/session-store';
import { createGradingService, type GradingUpstream } from '../../../src/server/grading/grading-service';
import { PROMPT_MARKER } from '../../../src/server/grading/grading-prompt';
import { composeRecapSummary } from '../../../src/server/grading/session-recap';
import { verifyRecapToken } from '../../../src/server/tokens/recap-token';

const logger = pino({ level: 'silent' });
const stores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
const scenarios = loadScenarioCatalogue();
const BOARD = scenarios.get('pitch-ai-strategy-to-the-board')!;
const TRANSCRIPT = [{ role: 'user' as const, text: 'Our pilot saved 20 percent. What would convince you?' }];
const ID = `sess_${'a'.repeat(32)}`;
const signal = new AbortController().signal;

function validAnswer(score = 4) {
  return JSON.stringify({
    criteria: Object.fromEntries(BOARD.rubric.map((c) => [c.id, { score, evidence: ['Our pilot saved 20 percent.', 'We doubled revenue.'], comment: 'Good.' }])),
    strengths: ['a', 'b', 'c'],
    improvements: ['d', 'e', 'f'],
  });
}

const GRADED_AT = Date.UTC(2026, 10, 24, 9);

async function setup(answers: Array<string | null | Error>, mode: SessionMode = 'realtime', env: Record<string, string> = {}) {
  const config = loadConfig({ OPENAI_API_KEY: 'sk-test', ...env } as NodeJS.ProcessEnv);
  const store = createSessionStore({ logger });
  stores.push(store);
  const now = Date.now();
  await store.register({ id: ID, mode, ip: '1.2.3.4', instanceId: 'i', createdAt: now, expiresAt: now + 60_000, refreshCount: 0, scenarioId: BOARD.id },
    { maxPerIp: 10, maxPerInstance: 10, maxTotal: 10 });
  const metrics = createMetrics();
  const requests: unknown[] = [];
  const upstream: GradingUpstream = {
    async complete(request) {
      requests.push(request);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return { content: next ?? null, finishReason: 'stop' };
    },
  };
  const service = createGradingService({ sessions: store, scenarios, limits: createRateLimits(config), metrics, logger, config }, upstream, { now: () => GRADED_AT });
  return { service, requests, metrics, config };
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as ApiError);

describe('grading service', () => {
  it('grades with the model; invented quotes dropped and noted; the prompt is not in the scorecard', async () => {
    const { service, requests } = await setup([validAnswer(5)]);
    const card = await service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: '1.2.3.4', signal });
    expect(requests).toHaveLength(1);
    expect(card).toMatchObject({ grader: 'model', overall: 100, scenario: { id: BOARD.id } });
    for (const c of card.criteria) expect(c.evidence).toEqual(['Our pilot saved 20 percent.']);
    expect(card.notes).toEqual([`${BOARD.rubric.length} evidence quotes were removed because they do not appear word for word in what you said.`]);
    expect(JSON.stringify(card)).not.toContain(PROMPT_MARKER);
  });

  it('an unreadable answer is asked for once more; two bad answers → 502 grading_failed', async () => {
    const retried = await setup(['not json', validAnswer()]);
    expect((await retried.service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal })).grader).toBe('model');
    expect(retried.requests).toHaveLength(2);
    const failed = await setup(['{"criteria":{}}', null]);
    const e = await failure(failed.service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal }));
    expect(e).toMatchObject({ status: 502, code: 'grading_failed' });
    expect(failed.requests).toHaveLength(2);
    expect(await failed.metrics.registry.getSingleMetricAsString('voice_agent_gradings_total')).toContain('grader="model",outcome="invalid_answer"} 1');
  });

  it('upstream failures: temporary → 503 upstream_unavailable, setup → 502 upstream_error (no retry)', async () => {
    const busy = await setup([new UpstreamCallError({ kind: 'server_error', status: 500, code: null, detail: 'boom' })]);
    expect(await failure(busy.service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal }))).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    const broken = await setup([new UpstreamCallError({ kind: 'invalid_key', status: 401, code: 'invalid_api_key', detail: 'no' })]);
    const e = await failure(broken.service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal }));
    expect(e).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(e.message).not.toContain('invalid_api_key');
    expect(broken.requests).toHaveLength(1);
  });

  it('unknown session → 404; a different scenarioId → 400; limits → 429', async () => {
    const { service, requests } = await setup([validAnswer(), validAnswer()], 'realtime', { GRADE_RATE_LIMIT_PER_SESSION_PER_MINUTE: '1' });
    expect(await failure(service.grade({ sessionId: `sess_${'b'.repeat(32)}`, transcript: TRANSCRIPT }, { ip: 'x', signal }))).toMatchObject({ status: 404, code: 'session_not_found' });
    expect(await failure(service.grade({ sessionId: ID, scenarioId: 'free-coaching', transcript: TRANSCRIPT }, { ip: 'x', signal }))).toMatchObject({ status: 400, code: 'scenario_mismatch' });
    await service.grade({ sessionId: ID, scenarioId: BOARD.id, transcript: TRANSCRIPT }, { ip: 'x', signal });
    expect(await failure(service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal }))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(requests).toHaveLength(1);
  });

  it('the scorecard carries a recap: the summary composed from it, signed for this scenario with the server key', async () => {
    const { service, config } = await setup([validAnswer(4)]);
    const card = await service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal });
    const { recap, ...rest } = card;
    expect(recap!.summary).toBe(composeRecapSummary(rest, GRADED_AT));
    expect(recap!.summary.startsWith('Previous session (24 Nov 2026): overall 75/100.')).toBe(true);
    expect(recap!.summary).toContain('To work on: d.');
    expect(await verifyRecapToken(config.sessionSecret, recap!.token, BOARD.id, GRADED_AT)).toEqual({
      ok: true,
      claims: { scenarioId: BOARD.id, summary: recap!.summary },
    });
    expect((await verifyRecapToken(config.sessionSecret, recap!.token, 'free-coaching', GRADED_AT)).ok).toBe(false);
  });

  it('demo sessions use the heuristic grader, never the upstream', async () => {
    const { service, requests } = await setup([validAnswer()], 'demo');
    const card = await service.grade({ sessionId: ID, transcript: TRANSCRIPT }, { ip: 'x', signal });
    expect(card.grader).toBe('heuristic');
    expect(card.notes[0]).toMatch(/heuristic/);
    expect(card.recap?.summary).toMatch(/^Previous session \(24 Nov 2026\): overall \d+\/100\./);
    expect(requests).toHaveLength(0);
  });
});

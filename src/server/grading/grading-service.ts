/**
 * POST /api/voice-agent/grade behind the route: live session → scenario (from the session record) →
 * per-session and per-IP budgets → the model grader (one Chat Completions call with a strict json_schema
 * response format through the upstream guard; an unreadable answer is asked for once more, then 502
 * `grading_failed`) or, for demo sessions and servers without a key, the heuristic grader. The scorecard
 * carries a signed recap for the next session in the same scenario (session-recap.ts, recap-token.ts). Logs
 * carry counts and outcomes, never transcript text, quotes, the recap or the prompt.
 */
import OpenAI from 'openai';
import { FREE_COACHING_ID } from '../../content/scenario-schema';
import type { AppContext } from '../app-context';
import type { Scenario } from '../coach/scenario-catalogue';
import { explainFallbackFailure } from '../fallback/fallback-errors';
import { ApiError } from '../http/api-error';
import { shortId } from '../observability/logger';
import { UpstreamCallError, UpstreamCancelledError, type UpstreamGuard } from '../openai/upstream-guard';
import type { UpstreamFailure } from '../openai/upstream-error';
import type { GradeBody } from './grade-body';
import { gradingRequest, type GradingScenario } from './grading-prompt';
import { HEURISTIC_NOTE, heuristicMarks } from './heuristic-grader';
import { composeScorecard, parseModelAnswer, type Marks, type Scorecard } from './scorecard';
import { composeRecapSummary } from './session-recap';
import { signRecapToken } from '../tokens/recap-token';
import { signingKey } from '../tokens/signed-token';

/** One grading call: the model's message content (null when it refused or gave none) and why it stopped. */
export interface GradingUpstream {
  complete(request: ReturnType<typeof gradingRequest>, signal: AbortSignal): Promise<{ content: string | null; finishReason: string | null }>;
}

export function createGradingUpstream(deps: { apiKey: string; baseUrl: string; timeoutMs: number; model: string; guard: UpstreamGuard }): GradingUpstream {
  const client = new OpenAI({ apiKey: deps.apiKey, baseURL: deps.baseUrl, timeout: deps.timeoutMs, maxRetries: 0 });
  return {
    complete(request, signal) {
      return deps.guard.run(
        'grading',
        async () => {
          const completion = await client.chat.completions.create(
            { model: deps.model, messages: request.messages, response_format: request.response_format, max_completion_tokens: 4000 },
            { signal },
          );
          const choice = completion.choices[0];
          const content = choice?.message.refusal ? null : (choice?.message.content ?? null);
          return { content, finishReason: choice?.finish_reason ?? null };
        },
        signal,
      );
    },
  };
}

/** When there are no scenario files at all: a generic rubric, so free coaching can still be graded. */
export const GENERIC_COACHING: GradingScenario & { relatedArticles: string[] } = {
  id: FREE_COACHING_ID,
  title: 'Free coaching',
  kind: 'coaching',
  objective: 'Leave with a clear decision or message, the evidence behind it and one concrete next step.',
  counterpart: { role: 'Executive coach' },
  rubric: [
    { id: 'clarity', criterion: 'Clarity of the message', weight: 35, good: 'States the point or decision in one or two plain sentences.', poor: 'Circles the topic without stating a point or decision.' },
    { id: 'evidence', criterion: 'Evidence and figures', weight: 30, good: 'Supports claims with concrete facts, figures or examples.', poor: 'Relies on opinion and vague claims.' },
    { id: 'next-step', criterion: 'A concrete next step', weight: 35, good: 'Commits to a specific action with an owner and a date.', poor: 'Ends without a next step, or with vague intentions.' },
  ],
  relatedArticles: [],
};

const TEMPORARY = new Set<UpstreamFailure['kind']>(['rate_limited', 'timeout', 'network', 'server_error']);
const RETRY_SECONDS = 5;

function gradingUpstreamError(error: unknown, model: string): unknown {
  if (error instanceof UpstreamCancelledError) return new ApiError(499, 'client_closed', 'The request was cancelled.');
  if (!(error instanceof UpstreamCallError)) return error;
  const why = explainFallbackFailure(error.failure, model);
  if (TEMPORARY.has(error.failure.kind)) {
    return new ApiError(503, 'upstream_unavailable', `${why} Your scorecard could not be prepared; please try again shortly.`,
      { 'Retry-After': String(RETRY_SECONDS) }, { retryAfter: RETRY_SECONDS });
  }
  return new ApiError(502, 'upstream_error', `${why} Scorecards cannot be graded until this is fixed.`);
}

export interface GradingService {
  grade(body: GradeBody, context: { ip: string; signal: AbortSignal }): Promise<Scorecard>;
}

type GradingApp = Pick<AppContext, 'sessions' | 'scenarios' | 'limits' | 'metrics' | 'logger' | 'config'>;

export function createGradingService(app: GradingApp, upstream: GradingUpstream | undefined, options: { now?: () => number } = {}): GradingService {
  const now = options.now ?? Date.now;
  const recapKey = signingKey(app.config.sessionSecret);

  async function checkLimits(sessionId: string, ip: string) {
    for (const [check, limit] of [
      [() => app.limits.gradePerSession(sessionId), 'grade_session'],
      [() => app.limits.gradePerIp(ip), 'grade_ip'],
    ] as const) {
      const decision = await check();
      if (decision.allowed) continue;
      app.metrics.rateLimitHits.inc({ limit });
      app.logger.warn({ event: 'rateLimitExceeded', ip, attempts: decision.limit + 1, endpoint: 'grade', limit }, 'rateLimitExceeded');
      throw new ApiError(429, 'rate_limited', 'Too many scorecard requests for this session right now. Please wait a moment.',
        { 'Retry-After': String(decision.retryAfterSeconds) }, { retryAfter: decision.retryAfterSeconds });
    }
  }

  /** The session's scenario (free coaching when it has none; a generic rubric when even that is missing). */
  function scenarioFor(scenarioId: string | undefined): Scenario | (GradingScenario & { relatedArticles: string[] }) {
    const id = scenarioId ?? FREE_COACHING_ID;
    const found = app.scenarios.get(id);
    if (found) return found;
    if (scenarioId && scenarioId !== FREE_COACHING_ID) {
      throw new ApiError(409, 'scenario_unavailable', 'This session’s practice scenario is not available on this server, so it cannot be graded.');
    }
    return GENERIC_COACHING;
  }

  /** The next scenario in library order after this one (role-plays and coaching alike, never free coaching). */
  function nextScenario(id: string): string | undefined {
    const list = app.scenarios.list().filter((s) => s.id !== FREE_COACHING_ID);
    if (!list.length) return undefined;
    const at = list.findIndex((s) => s.id === id);
    const next = list[(at + 1) % list.length];
    return next && next.id !== id ? next.id : undefined;
  }

  async function modelMarks(scenario: GradingScenario, body: GradeBody, signal: AbortSignal, grader: GradingUpstream): Promise<{ marks: Marks; attempts: number }> {
    const request = gradingRequest(scenario, body.transcript);
    for (let attempt = 1; attempt <= 2; attempt++) {
      let answer;
      try {
        answer = await grader.complete(request, signal);
      } catch (error) {
        app.metrics.gradings.inc({ grader: 'model', outcome: error instanceof UpstreamCancelledError ? 'cancelled' : 'upstream_error' });
        throw gradingUpstreamError(error, app.config.graderModel);
      }
      const marks = answer.finishReason === 'length' ? null : parseModelAnswer(answer.content, scenario.rubric);
      if (marks) return { marks, attempts: attempt };
      app.logger.warn({ event: 'gradingAnswerInvalid', attempt, finishReason: answer.finishReason, chars: answer.content?.length ?? 0 }, 'gradingAnswerInvalid');
    }
    app.metrics.gradings.inc({ grader: 'model', outcome: 'invalid_answer' });
    throw new ApiError(502, 'grading_failed', 'The grader’s answer could not be read, so no scorecard was produced. Please try again.');
  }

  return {
    async grade(body, { ip, signal }) {
      const session = await app.sessions.get(body.sessionId);
      if (!session) throw new ApiError(404, 'session_not_found', 'This session has ended or expired. Scorecards are prepared before the session ends.');
      if (body.scenarioId !== undefined && body.scenarioId !== (session.scenarioId ?? FREE_COACHING_ID)) {
        throw new ApiError(400, 'scenario_mismatch', 'scenarioId does not match the scenario this session was started with.');
      }
      const scenario = scenarioFor(session.scenarioId);
      await checkLimits(session.id, ip);

      const started = performance.now();
      const useModel = session.mode !== 'demo' && upstream !== undefined;
      const grader = useModel ? 'model' : 'heuristic';
      const { marks, attempts } = useModel
        ? await modelMarks(scenario, body, signal, upstream)
        : { marks: heuristicMarks(scenario.rubric, body.transcript), attempts: 0 };
      const scorecard = composeScorecard({
        scenario: { id: scenario.id, title: scenario.title, relatedArticles: scenario.relatedArticles },
        rubric: scenario.rubric,
        marks,
        transcript: body.transcript,
        grader,
        nextScenario: nextScenario(scenario.id),
        notes: grader === 'heuristic' ? [HEURISTIC_NOTE] : [],
      });
      // The recap is signed for the scenario that was graded (free coaching included), so it only ever
      // continues a session of that same scenario.
      const gradedAt = now();
      const summary = composeRecapSummary(scorecard, gradedAt);
      scorecard.recap = { summary, token: await signRecapToken(recapKey, { scenarioId: scenario.id, summary }, gradedAt) };
      app.metrics.gradings.inc({ grader, outcome: 'ok' });
      app.logger.info(
        {
          event: 'graded',
          sessionId: shortId(session.id),
          mode: session.mode,
          scenario: scenario.id,
          grader,
          attempts,
          turns: body.transcript.length,
          userTurns: body.transcript.filter((t) => t.role === 'user').length,
          overall: scorecard.overall,
          droppedQuotes: scorecard.notes.some((n) => /removed/.test(n)),
          duration: Math.round(performance.now() - started),
        },
        'graded',
      );
      return scorecard;
    },
  };
}

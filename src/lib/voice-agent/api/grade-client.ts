/**
 * Browser client for `POST /api/voice-agent/grade` (docs/scorecards.md): the session's transcript in, the
 * scorecard out. Asked *before* `end-session` (the server grades only a live session). Loaded with the
 * post-session code, not with /coach's first paint.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { ApiResult, GradeRequest, Scorecard, ScorecardCriterion, SessionRecap } from '../types/api';
import { call, VOICE_AGENT_API_BASE, type RequestOptions } from './voice-agent-api';

export const GRADE_ENDPOINT = `${VOICE_AGENT_API_BASE}/grade`;
/** Grading is one model call (two when the first answer is unreadable): allow for a slow one. */
export const GRADE_TIMEOUT_MS = 60_000;

export function gradeSession(body: GradeRequest, options: RequestOptions = {}): Promise<ApiResult<Scorecard>> {
  return call(GRADE_ENDPOINT, { method: 'POST', body }, parseScorecard, { timeoutMs: GRADE_TIMEOUT_MS, ...options });
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseCriterion(v: unknown): ScorecardCriterion | null {
  if (!isRecord(v)) return null;
  const { id, criterion, weight, score, evidence, comment } = v;
  if (!isString(id) || !isString(criterion) || !isString(comment) || !isStringArray(evidence)) return null;
  if (typeof weight !== 'number' || typeof score !== 'number' || score < 1 || score > 5) return null;
  return { id, criterion, weight, score, evidence, comment };
}

function parseRecap(v: unknown): SessionRecap | undefined {
  return isRecord(v) && isString(v.summary) && isString(v.token) ? { summary: v.summary, token: v.token } : undefined;
}

/** The scorecard when the body has its shape (checked by hand: zod would weigh on the /coach bundle); else null. */
export function parseScorecard(body: unknown): Scorecard | null {
  if (!isRecord(body) || !isRecord(body.scenario) || !isRecord(body.next)) return null;
  const { scenario, overall, strengths, improvements, next, grader, notes } = body;
  if (!isString(scenario.id) || !isString(scenario.title)) return null;
  if (typeof overall !== 'number' || overall < 0 || overall > 100) return null;
  if (!isStringArray(strengths) || !isStringArray(improvements) || !isStringArray(notes)) return null;
  if (grader !== 'model' && grader !== 'heuristic') return null;
  if (!isStringArray(next.articles) || (next.scenario !== undefined && !isString(next.scenario))) return null;
  if (!Array.isArray(body.criteria)) return null;
  const criteria = body.criteria.map(parseCriterion);
  if (criteria.some((c) => c === null)) return null;
  const recap = parseRecap(body.recap);
  return {
    scenario: { id: scenario.id, title: scenario.title },
    overall,
    criteria: criteria as ScorecardCriterion[],
    strengths,
    improvements,
    next: { articles: next.articles, ...(next.scenario !== undefined ? { scenario: next.scenario } : {}) },
    grader,
    notes,
    ...(recap ? { recap } : {}),
  };
}

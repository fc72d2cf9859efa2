/**
 * The coach's `web_search` tool, run on the server during a fallback chat turn. It yields the events the
 * browser shows (search → search_result | search_failed) and returns the tool message for the model. A
 * search that cannot run (budget spent, provider down, bad arguments) never fails the turn: the model is
 * told the search is unavailable and answers without it.
 */
import { ApiError } from '../http/api-error';
import type { LimitDecision } from '../limits/rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SearchOutcome } from '../search/search-service';
import type { ChatEvent } from './chat-events';

const MAX_QUERY_CHARS = 500;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
const UNAVAILABLE = 'Search unavailable right now. Answer from what you know and say that you could not check.';

export interface SearchToolDeps {
  search(query: string): Promise<SearchOutcome>;
  searchPerSession(): Promise<LimitDecision>;
  searchPerIp(): Promise<LimitDecision>;
  metrics: Pick<Metrics, 'rateLimitHits'>;
  logger: Logger;
  ip: string;
}

/** The query from the model's JSON arguments, cleaned like /responses-search queries; undefined when unusable. */
export function searchQueryFrom(rawArguments: string): string | undefined {
  let args: unknown;
  try {
    args = JSON.parse(rawArguments);
  } catch {
    return undefined;
  }
  const query = (args as { query?: unknown } | null)?.query;
  if (typeof query !== 'string') return undefined;
  const clean = query.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_CHARS).trim();
  return clean || undefined;
}

async function withinSearchBudget(deps: SearchToolDeps): Promise<boolean> {
  for (const [check, limit] of [
    [deps.searchPerSession, 'search_session'],
    [deps.searchPerIp, 'search_ip'],
  ] as const) {
    const decision = await check();
    if (decision.allowed) continue;
    deps.metrics.rateLimitHits.inc({ limit });
    deps.logger.warn({ event: 'rateLimitExceeded', ip: deps.ip, attempts: decision.limit + 1, endpoint: 'chat', limit }, 'rateLimitExceeded');
    return false;
  }
  return true;
}

export async function* runSearchTool(deps: SearchToolDeps, callId: string, rawArguments: string): AsyncGenerator<ChatEvent, string> {
  const query = searchQueryFrom(rawArguments);
  if (!query) {
    yield { event: 'search_failed', data: { callId, message: 'The coach asked for a search without a usable query.' } };
    return JSON.stringify({ error: 'The web_search call needs {"query": "<what to look up>"}.' });
  }
  yield { event: 'search', data: { callId, query } };
  if (!(await withinSearchBudget(deps))) {
    yield { event: 'search_failed', data: { callId, message: 'Too many searches right now, so the coach answers without one.' } };
    return JSON.stringify({ error: UNAVAILABLE });
  }
  try {
    const result = await deps.search(query);
    yield { event: 'search_result', data: { callId, result } };
    return JSON.stringify({ answer: result.answer, sources: result.citations });
  } catch (error) {
    const message = error instanceof ApiError ? error.message : 'Search is unavailable right now.';
    if (!(error instanceof ApiError)) deps.logger.error({ event: 'unhandledError', err: error, path: 'chat/web_search' }, 'search tool failed');
    yield { event: 'search_failed', data: { callId, message } };
    return JSON.stringify({ error: UNAVAILABLE });
  }
}

/**
 * The fallback budgets: every transcribe, chat and speech request counts against its session's and its
 * IP's per-minute budget (shared through Redis). Checked one after the other, so a request refused for
 * its session does not also spend the IP's budget.
 */
import type { AppContext } from '../app-context';
import { ApiError } from '../http/api-error';

export async function checkFallbackLimits(
  app: Pick<AppContext, 'limits' | 'metrics' | 'logger'>,
  sessionId: string,
  ip: string,
  endpoint: 'transcribe' | 'chat' | 'speech',
): Promise<void> {
  for (const [check, limit] of [
    [() => app.limits.fallbackPerSession(sessionId), 'fallback_session'],
    [() => app.limits.fallbackPerIp(ip), 'fallback_ip'],
  ] as const) {
    const decision = await check();
    if (decision.allowed) continue;
    app.metrics.rateLimitHits.inc({ limit });
    app.logger.warn({ event: 'rateLimitExceeded', ip, attempts: decision.limit + 1, endpoint, limit }, 'rateLimitExceeded');
    throw new ApiError(
      429,
      'rate_limited',
      'The coach is getting too many requests from this session right now. Please wait a moment.',
      { 'Retry-After': String(decision.retryAfterSeconds) },
      { retryAfter: decision.retryAfterSeconds },
    );
  }
}

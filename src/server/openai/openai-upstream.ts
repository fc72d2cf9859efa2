/**
 * The only module that talks to OpenAI. Every call goes through `guarded`, which enforces the global
 * upstream budget (API_RATE_LIMIT_PER_MINUTE), times the call, counts failures and logs `apiError`
 * without the key. Retries are off: the caller degrades (fallback/demo) instead of making users wait.
 */
import OpenAI from 'openai';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { RateLimits } from '../limits/rate-limits';
import { ApiError } from '../http/api-error';
import { coachRealtimeSession } from '../coach/coach-session';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-error';

export class UpstreamCallError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(`${failure.kind} (${failure.status})`);
    this.name = 'UpstreamCallError';
  }
}

export interface RealtimeSecret {
  value: string;
  expiresAtMs: number;
  model: string;
}

export interface OpenAIUpstream {
  listModelIds(): Promise<string[]>;
  mintRealtimeSecret(ttlSeconds: number): Promise<RealtimeSecret>;
}

export interface UpstreamDeps {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  model: string;
  voice: string;
  limits: RateLimits;
  metrics: Metrics;
  logger: Logger;
}

export function createOpenAIUpstream(deps: UpstreamDeps): OpenAIUpstream {
  const client = new OpenAI({ apiKey: deps.apiKey, baseURL: deps.baseUrl, timeout: deps.timeoutMs, maxRetries: 0 });

  async function guarded<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const budget = await deps.limits.upstreamCalls();
    if (!budget.allowed) {
      deps.metrics.rateLimitHits.inc({ limit: 'upstream_api' });
      throw new ApiError(
        503,
        'upstream_busy',
        'The coach is at capacity right now. Please try again shortly.',
        { 'Retry-After': String(budget.retryAfterSeconds) },
        { retryAfter: budget.retryAfterSeconds },
      );
    }
    const stop = deps.metrics.upstreamSeconds.startTimer({ operation });
    try {
      const result = await call();
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      const failure = classifyUpstreamError(error);
      stop({ outcome: failure.kind });
      deps.metrics.apiErrors.inc({ service: `openai.${operation}`, status: String(failure.status) });
      deps.logger.warn(
        { event: 'apiError', service: `openai.${operation}`, error: failure.detail, code: failure.code, statusCode: failure.status },
        'apiError',
      );
      throw new UpstreamCallError(failure);
    }
  }

  return {
    listModelIds: () =>
      guarded('models', async () => {
        const ids: string[] = [];
        for await (const model of client.models.list()) ids.push(model.id);
        return ids;
      }),

    mintRealtimeSecret: (ttlSeconds) =>
      guarded('client_secrets', async () => {
        const secret = await client.realtime.clientSecrets.create({
          expires_after: { anchor: 'created_at', seconds: ttlSeconds },
          session: coachRealtimeSession({ model: deps.model, voice: deps.voice }),
        });
        if (typeof secret.value !== 'string' || !secret.value) {
          throw new OpenAI.APIError(502, { message: 'client secret missing from response' }, undefined, undefined);
        }
        return {
          value: secret.value,
          expiresAtMs: secret.expires_at * 1000,
          model: (secret.session as { model?: string } | undefined)?.model ?? deps.model,
        };
      }),
  };
}

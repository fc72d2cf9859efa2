/**
 * OpenAI calls of the realtime path (tier detection, minting). Every call goes through the shared
 * guard (upstream-guard.ts): the global upstream budget (API_RATE_LIMIT_PER_MINUTE), timing, failures
 * counted and logged as `apiError` without the key. Retries are off: the caller degrades
 * (fallback/demo) instead of making users wait. Fallback mode's calls live in fallback-upstream.ts.
 */
import OpenAI from 'openai';
import { coachRealtimeSession } from '../coach/coach-session';
import type { UpstreamGuard } from './upstream-guard';

export { UpstreamCallError } from './upstream-guard';

export interface RealtimeSecret {
  value: string;
  expiresAtMs: number;
  model: string;
}

export interface OpenAIUpstream {
  listModelIds(): Promise<string[]>;
  /** `instructions`: the session's composed instructions (scenario-instructions.ts); default: free coaching. */
  mintRealtimeSecret(ttlSeconds: number, options?: { instructions?: string }): Promise<RealtimeSecret>;
}

export interface UpstreamDeps {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  model: string;
  voice: string;
  guard: UpstreamGuard;
}

export function createOpenAIUpstream(deps: UpstreamDeps): OpenAIUpstream {
  const client = new OpenAI({ apiKey: deps.apiKey, baseURL: deps.baseUrl, timeout: deps.timeoutMs, maxRetries: 0 });

  const guarded = <T>(operation: string, call: () => Promise<T>) => deps.guard.run(operation, call);

  return {
    listModelIds: () =>
      guarded('models', async () => {
        const ids: string[] = [];
        for await (const model of client.models.list()) ids.push(model.id);
        return ids;
      }),

    mintRealtimeSecret: (ttlSeconds, options = {}) =>
      guarded('client_secrets', async () => {
        const secret = await client.realtime.clientSecrets.create({
          expires_after: { anchor: 'created_at', seconds: ttlSeconds },
          session: coachRealtimeSession({ model: deps.model, voice: deps.voice, instructions: options.instructions }),
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

/**
 * Which coach mode a new session gets, before any token is minted: the API-key check and tier
 * detection steps of the Token Generation Flow.
 */
import type { Config } from '../config';
import { ApiError } from '../http/api-error';
import type { UpstreamCallError } from '../openai/openai-upstream';
import type { TierDetector } from '../openai/tier-detector';
import { explainFailure } from '../openai/upstream-error';
import type { SessionMode } from '../sessions/session-store';

export interface ModeDecision {
  mode: SessionMode;
  warnings: string[];
}

export async function decideMode({
  config,
  tier,
}: {
  config: Pick<Config, 'demoMode' | 'openaiApiKey' | 'realtimeModel'>;
  tier: TierDetector | undefined;
}): Promise<ModeDecision> {
  if (config.demoMode === 'force') {
    return { mode: 'demo', warnings: ['Demo mode is switched on for this server (DEMO_MODE=force).'] };
  }
  if (!config.openaiApiKey || !tier) {
    if (config.demoMode === 'off') {
      throw new ApiError(503, 'service_unavailable', 'The voice coach is not configured on this server (no OpenAI API key).');
    }
    return {
      mode: 'demo',
      warnings: [
        'No OpenAI API key is configured on the server, so the coach runs as a scripted demo. Set OPENAI_API_KEY to enable the live coach.',
      ],
    };
  }
  const detected = await tier.detect();
  switch (detected) {
    case 'realtime':
    case 'unknown': // Unknown → try to mint; a failed mint degrades to fallback.
      return { mode: 'realtime', warnings: [] };
    case 'standard':
      return {
        mode: 'fallback',
        warnings: [
          `The server's OpenAI key has no access to the realtime model ${config.realtimeModel}. Using chat and speech (fallback mode) instead of live voice.`,
        ],
      };
    case 'invalid_key':
      if (config.demoMode === 'off') {
        throw new ApiError(503, 'service_unavailable', 'The OpenAI API key configured on the server was rejected. The voice coach is unavailable until it is fixed.');
      }
      return {
        mode: 'demo',
        warnings: ['The OpenAI API key configured on the server was rejected. Running the scripted demo instead.'],
      };
  }
}

/**
 * The mode a new session gets when minting its realtime secret failed upstream: demo for a rejected key
 * (unless demo mode is off: then 503), otherwise fallback; the tier cache learns what was found out.
 */
export async function degradeAfterMintFailure(
  error: UpstreamCallError,
  deps: { config: Pick<Config, 'demoMode' | 'realtimeModel'>; tier: Pick<TierDetector, 'remember'> | undefined },
): Promise<ModeDecision> {
  const { config } = deps;
  const why = explainFailure(error.failure, config.realtimeModel);
  if (error.failure.kind === 'invalid_key') {
    await deps.tier?.remember('invalid_key');
    if (config.demoMode === 'off') {
      throw new ApiError(503, 'service_unavailable', `${why} The voice coach is unavailable until it is fixed.`);
    }
    return { mode: 'demo', warnings: [`${why} Running the scripted demo instead.`] };
  }
  if (error.failure.kind === 'no_realtime_access') await deps.tier?.remember('standard');
  return { mode: 'fallback', warnings: [`${why} Using chat and speech (fallback mode) instead of live voice.`] };
}

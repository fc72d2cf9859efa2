/**
 * `POST /api/voice-agent/session-status`: the server's meter for one live session (usage, estimated cost,
 * when and why it will end, or that it has ended). Loaded with the rest of the metering code, only for
 * sessions the server meters.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { VOICE_AGENT_API_BASE, call, type RequestOptions } from '../api/voice-agent-api';
import type { ApiResult, SessionStatusResponse } from '../types/api';
import { isBudgetLimit as isLimit } from './meter-view';

export const SESSION_STATUS_ENDPOINT = `${VOICE_AGENT_API_BASE}/session-status`;

export function fetchSessionStatus(sessionId: string, options?: RequestOptions & { fetch?: typeof fetch }): Promise<ApiResult<SessionStatusResponse>> {
  return call(SESSION_STATUS_ENDPOINT, { method: 'POST', body: { sessionId }, ...(options?.fetch ? { fetch: options.fetch } : {}) }, parseSessionStatus, options);
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The body as a `SessionStatusResponse`, or null when it is not one. Optional parts that are malformed are dropped. */
export function parseSessionStatus(body: unknown): SessionStatusResponse | null {
  if (!isRecord(body) || body.success !== true || typeof body.metered !== 'boolean' || !count(body.serverTime)) return null;
  const { usage, ended } = body;
  const tokens = isRecord(usage) ? usage : undefined;
  const endedNow = isRecord(ended) && typeof ended.message === 'string' ? ended : undefined;
  return {
    success: true,
    metered: body.metered,
    serverTime: body.serverTime,
    startedAt: count(body.startedAt) ? body.startedAt : body.serverTime,
    warningSeconds: count(body.warningSeconds) ? body.warningSeconds : 60,
    ...(count(body.endsAt) ? { endsAt: body.endsAt } : {}),
    ...(isLimit(body.limit) ? { limit: body.limit } : {}),
    ...(count(body.costUsd) ? { costUsd: body.costUsd } : {}),
    ...(count(body.connectedSeconds) ? { connectedSeconds: body.connectedSeconds } : {}),
    ...(tokens
      ? {
          usage: {
            inputTextTokens: count(tokens.inputTextTokens) ? tokens.inputTextTokens : 0,
            inputAudioTokens: count(tokens.inputAudioTokens) ? tokens.inputAudioTokens : 0,
            cachedTokens: count(tokens.cachedTokens) ? tokens.cachedTokens : 0,
            outputTextTokens: count(tokens.outputTextTokens) ? tokens.outputTextTokens : 0,
            outputAudioTokens: count(tokens.outputAudioTokens) ? tokens.outputAudioTokens : 0,
          },
        }
      : {}),
    // An unknown reason still ends the session: the message is what the user reads.
    ...(endedNow ? { ended: { reason: isLimit(endedNow.reason) ? endedNow.reason : 'operator', message: endedNow.message as string } } : {}),
  };
}

/**
 * What the browser shows of a metered session (issue 8): the server's meter (`session-status`) turned into
 * a view on this browser's clock. The server decides everything (usage, cost, when the session ends); the
 * browser only corrects the clock and sums the token counts for the tooltip.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { BudgetLimit, SessionStatusResponse } from '../types/api';

const LIMITS: readonly BudgetLimit[] = ['session_minutes', 'daily_minutes', 'daily_cost', 'session_cost', 'operator'];

/** One of the reasons the server knows for ending a session (an answer's `limit` or `reason`). */
export const isBudgetLimit = (value: unknown): value is BudgetLimit => LIMITS.includes(value as BudgetLimit);

/** The server closed the session's voice: why, in its own words (kept on screen with the transcript). */
export interface ServerEnded {
  /** Unknown when the refusal of a credential said so without the status endpoint (`code: session_ended`). */
  reason?: BudgetLimit;
  message: string;
}

export interface MeterView {
  /** Estimated cost so far, USD (the server's pricing table). */
  costUsd?: number;
  /** Seconds the voice has been connected. */
  connectedSeconds?: number;
  /** Tokens in (text + audio) and out so far, for the tooltip. */
  inputTokens: number;
  outputTokens: number;
  /** When the server will end the session, on this browser's clock. */
  endsAtLocal?: number;
  limit?: BudgetLimit;
  /** The server warns this long before `endsAt`. */
  warningSeconds: number;
  /** The whole allowance `limit` stands for, ms (`endsAt - startedAt`): "its 30-minute limit". */
  limitMs?: number;
}

/**
 * The view of one status answer. `sentAt` and `receivedAt` are this browser's clock around the request:
 * the server read its clock about halfway between them, which is how far the two clocks are apart.
 */
export function toMeterView(status: SessionStatusResponse, sentAt: number, receivedAt: number): MeterView {
  const skewMs = status.serverTime - (sentAt + receivedAt) / 2;
  const usage = status.usage;
  return {
    ...(status.costUsd !== undefined ? { costUsd: status.costUsd } : {}),
    ...(status.connectedSeconds !== undefined ? { connectedSeconds: status.connectedSeconds } : {}),
    inputTokens: usage ? usage.inputTextTokens + usage.inputAudioTokens : 0,
    outputTokens: usage ? usage.outputTextTokens + usage.outputAudioTokens : 0,
    ...(status.endsAt !== undefined ? { endsAtLocal: status.endsAt - skewMs, limitMs: status.endsAt - status.startedAt } : {}),
    ...(status.limit ? { limit: status.limit } : {}),
    warningSeconds: status.warningSeconds,
  };
}

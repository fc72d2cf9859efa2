/**
 * The `/api/voice-agent/chat` event stream (docs/fallback-and-demo.md): each SSE frame's name and JSON
 * data → one typed event, checked, since a proxy or a half-deployed server may send anything. Unknown
 * events and malformed data are ignored (null), never thrown.
 *
 * Pure. Browser-only module: never import from `src/server/**` here.
 */
import { parseSearchResponse } from '../api/search-client';
import type { SearchResponse } from '../types/api';

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatDone {
  finishReason?: string;
  usage: ChatUsage;
  searchRounds: number;
}

export type ChatEvent =
  | { type: 'search'; callId: string; query: string }
  | { type: 'search_result'; callId: string; result: SearchResponse }
  | { type: 'search_failed'; callId: string; message: string }
  | { type: 'delta'; text: string }
  | ({ type: 'done' } & ChatDone)
  | { type: 'error'; code: string; message: string };

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/** One SSE frame → an event, or null when it is not one we know (or its data is malformed). */
export function parseChatEvent(name: string | undefined, data: string): ChatEvent | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  switch (name) {
    case 'delta': {
      const text = str(body.text);
      return text === undefined ? null : { type: 'delta', text };
    }
    case 'search': {
      const callId = str(body.callId);
      return callId ? { type: 'search', callId, query: str(body.query) ?? '' } : null;
    }
    case 'search_result': {
      const callId = str(body.callId);
      const result = parseSearchResponse(body.result);
      return callId && result ? { type: 'search_result', callId, result } : null;
    }
    case 'search_failed': {
      const callId = str(body.callId);
      return callId ? { type: 'search_failed', callId, message: str(body.message) ?? 'The search failed.' } : null;
    }
    case 'done': {
      const usage = isRecord(body.usage) ? body.usage : {};
      const finishReason = str(body.finishReason);
      return {
        type: 'done',
        ...(finishReason ? { finishReason } : {}),
        usage: { inputTokens: count(usage.inputTokens), outputTokens: count(usage.outputTokens) },
        searchRounds: count(body.searchRounds),
      };
    }
    case 'error':
      return { type: 'error', code: str(body.code) ?? 'upstream_error', message: str(body.message) ?? 'The coach could not finish the reply.' };
    default:
      return null;
  }
}

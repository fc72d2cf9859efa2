/** The events of a fallback chat turn, as the browser receives them (docs/fallback-and-demo.md, `/chat`). */
import type { SearchOutcome } from '../search/search-service';

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export type ChatEvent =
  | { event: 'search'; data: { callId: string; query: string } }
  | { event: 'search_result'; data: { callId: string; result: SearchOutcome } }
  | { event: 'search_failed'; data: { callId: string; message: string } }
  | { event: 'delta'; data: { text: string } }
  | { event: 'done'; data: { finishReason: string; usage: ChatUsage; searchRounds: number } }
  | { event: 'error'; data: { code: string; message: string } };

/**
 * The fallback coach's transcript, as plain immutable operations: turns appended and patched by id, the
 * conversation turned into `/chat` messages within the server's limits, and the text of a reply cut
 * back to what the user actually heard when they interrupted it.
 *
 * Pure. Browser-only module: never import from `src/server/**` here.
 */
import { createTranscriptState, transcriptText } from '../realtime/transcript-reducer';
import type { TranscriptTurn } from '../realtime/transcript-state';
import { ZERO_TOKENS, type TokenTotals } from '../realtime/usage-meter';
import type { ChatUsage } from './chat-events';
import type { SearchActivity } from '../session/voice-session-types';
import type { SearchEvent } from './coach-reply';
import type { ChatMessage } from './fallback-api';
import type { SpeechCut } from './speech-queue';

/** The server's limits for `/chat` (docs/fallback-and-demo.md). */
export const CHAT_LIMITS = { maxMessages: 40, maxMessageChars: 4_000, maxBytes: 48_000 } as const;

/** Heard this much of a sentence or more, and it counts as heard in full. */
const NEARLY_ALL = 0.95;

export function appendTurn(turns: readonly TranscriptTurn[], turn: TranscriptTurn): readonly TranscriptTurn[] {
  return [...turns, turn];
}

export function patchTurn(turns: readonly TranscriptTurn[], itemId: string, patch: Partial<Omit<TranscriptTurn, 'itemId'>>): readonly TranscriptTurn[] {
  const at = turns.findIndex((t) => t.itemId === itemId);
  if (at < 0) return turns;
  const next = [...turns];
  next[at] = { ...turns[at]!, ...patch };
  return next;
}

/** A turn's `durationMs` when something was spoken (a reply whose voice failed throughout has none). */
export function spokenFor(ms: number): Pick<TranscriptTurn, 'durationMs'> {
  return ms > 0 ? { durationMs: Math.round(ms) } : {};
}

export function removeTurn(turns: readonly TranscriptTurn[], itemId: string): readonly TranscriptTurn[] {
  return turns.some((t) => t.itemId === itemId) ? turns.filter((t) => t.itemId !== itemId) : turns;
}

/**
 * Turns carried in from another engine: unfinished ones are settled (a reply that was still streaming is
 * an interrupted one; a user turn still pending has its text or is dropped).
 */
export function carryIn(turns: readonly TranscriptTurn[]): readonly TranscriptTurn[] {
  return turns.flatMap((t): TranscriptTurn[] => {
    if (t.status !== 'pending' && t.status !== 'streaming') return [t];
    if (!t.text.trim()) return [];
    return [{ ...t, status: t.role === 'assistant' ? 'interrupted' : 'done' }];
  });
}

/** A `/chat` reply's usage as the session's token totals (text only: speech is billed per character). */
export function chatTokens(usage: ChatUsage): TokenTotals {
  const { inputTokens, outputTokens } = usage;
  return { ...ZERO_TOKENS, input: inputTokens, inputText: inputTokens, output: outputTokens, outputText: outputTokens, total: inputTokens + outputTokens };
}

export function findTurn(turns: readonly TranscriptTurn[], itemId: string): TranscriptTurn | undefined {
  return turns.find((t) => t.itemId === itemId);
}

/**
 * The conversation for `/chat`: every finished turn (done or interrupted) with text, oldest first; the
 * most recent ones that fit in the server's message count and byte budget; each at most 4000 characters.
 */
export function chatMessages(turns: readonly TranscriptTurn[], limits: { maxMessages: number; maxMessageChars: number; maxBytes: number } = CHAT_LIMITS): ChatMessage[] {
  const encoder = new TextEncoder();
  const picked: ChatMessage[] = [];
  let bytes = '{"messages":[]}'.length;
  for (let i = turns.length - 1; i >= 0 && picked.length < limits.maxMessages; i--) {
    const turn = turns[i]!;
    if (turn.status !== 'done' && turn.status !== 'interrupted') continue;
    const content = clip(turn.text.trim(), limits.maxMessageChars);
    if (!content) continue;
    const message: ChatMessage = { role: turn.role, content };
    const size = encoder.encode(JSON.stringify(message)).length + 1; // + the comma
    if (bytes + size > limits.maxBytes) break;
    bytes += size;
    picked.unshift(message);
  }
  return picked;
}

/** The same text format as the realtime session's transcript ("You: …" / "Coach: …"). */
export function turnsAsText(turns: readonly TranscriptTurn[]): string {
  return transcriptText({ ...createTranscriptState(), turns });
}

/**
 * What the user heard of a reply they interrupted: the sentences delivered in full, plus the played
 * share of the sentence the cut fell in, ended on a word boundary with "…".
 */
export function heardText(sentences: readonly string[], cut: SpeechCut): string {
  const whole = sentences.slice(0, cut.delivered);
  const partial = cut.partial ? sentences[cut.partial.index] : undefined;
  if (partial !== undefined && cut.partial) {
    const share = cut.partial.totalMs > 0 ? cut.partial.playedMs / cut.partial.totalMs : 0;
    if (share >= NEARLY_ALL) whole.push(partial);
    else {
      const words = cutAtWord(partial, share);
      if (words) whole.push(`${words}…`);
    }
  }
  return whole.join(' ').trim();
}

/** The first `share` (0..1) of `text`, ended at a word boundary, without trailing punctuation. */
export function cutAtWord(text: string, share: number): string {
  if (!(share > 0)) return '';
  if (share >= 1) return text;
  const at = Math.round(text.length * share);
  // The word under the cut was not finished: end before it (unless the cut falls on a space).
  const boundary = /\s/.test(text[at] ?? ' ') ? at : text.lastIndexOf(' ', at);
  if (boundary <= 0) return '';
  return text.slice(0, boundary).replace(/[\s,;:–—-]+$/u, '');
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The searches shown (newest first, at most `max`) after one of the chat's search events. Pure. */
export function withSearchEvent(searches: readonly SearchActivity[], event: SearchEvent, max: number): SearchActivity[] {
  const next = [...searches];
  const at = next.findIndex((s) => s.callId === event.callId);
  const query = event.type === 'search' ? event.query : (next[at]?.query ?? '');
  const entry: SearchActivity =
    event.type === 'search'
      ? { callId: event.callId, query, status: 'searching' }
      : event.type === 'search_result'
        ? { callId: event.callId, query, status: 'done', result: event.result }
        : { callId: event.callId, query, status: 'failed', message: event.message };
  if (at >= 0) next[at] = entry;
  else next.unshift(entry);
  return next.slice(0, max);
}

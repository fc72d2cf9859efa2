/**
 * The demo session's fixed parts: its status-line messages, the snapshot it turns to once connected,
 * the search list shown on screen, and the speech language.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchActivity, VoiceSnapshot } from '../session/voice-session-types';

export const DEMO_MESSAGES = {
  starting: 'Starting the demo coach…',
  ready: 'Demo coach ready — speak or type.',
  readyTyping: 'Demo coach ready — type your replies.',
  textOnly: "Your browser is not speaking the coach's replies, so they are shown as text only.",
  offline: 'You are offline. The demo coach still answers typed messages; library searches and speech recognition wait for the connection.',
  ended: 'Session ended.',
  left: 'Your session was closed when you left the page.',
} as const;

const MAX_SEARCHES_SHOWN = 5;

/**
 * The snapshot once the session has its credential: live (offline if the browser is), the conversation
 * so far, and a status line that says whether to speak or type — or why this engine took over.
 */
export function connectedPatch(start: {
  online: boolean;
  /** Speech recognition exists in this browser. */
  canListen: boolean;
  notice?: string;
  sessionId: string;
  warnings: VoiceSnapshot['warnings'];
  turns: VoiceSnapshot['turns'];
}): Partial<VoiceSnapshot> {
  const ready = start.canListen ? DEMO_MESSAGES.ready : DEMO_MESSAGES.readyTyping;
  return {
    status: start.online ? 'connected' : 'offline',
    message: start.notice ?? (start.online ? ready : DEMO_MESSAGES.offline),
    ...(start.notice ? { notice: start.notice } : {}),
    sessionId: start.sessionId,
    warnings: start.warnings,
    mode: 'demo',
    retryAt: undefined,
    turns: [...start.turns],
  };
}

/** The search list with `entry` added (newest first) or updated in place, at most five shown. */
export function withSearch(searches: readonly SearchActivity[], entry: SearchActivity): SearchActivity[] {
  const next = [...searches];
  const at = next.findIndex((s) => s.callId === entry.callId);
  if (at >= 0) next[at] = entry;
  else next.unshift(entry);
  return next.slice(0, MAX_SEARCHES_SHOWN);
}

/** The browser's language when it is English (recognition then matches the accent), else British English. */
export function defaultLang(): string {
  const lang = typeof navigator !== 'undefined' ? navigator.language : undefined;
  return lang && /^en\b/i.test(lang) ? lang : 'en-GB';
}

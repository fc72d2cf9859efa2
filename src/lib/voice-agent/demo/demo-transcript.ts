/**
 * The demo session's transcript: an ordered list of immutable turns (the same `TranscriptTurn` the
 * realtime engine renders), with the few updates the demo needs, and the "Copy transcript" text in the
 * realtime engine's format (`You: …` / `Coach: …`, an interrupted reply with nothing heard shows as
 * "(interrupted)").
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { TranscriptTurn } from '../realtime/transcript-state';

export type Turns = readonly TranscriptTurn[];

/** Add the turn, or replace the one with its id (keeping its place). */
export function putTurn(turns: Turns, turn: TranscriptTurn): Turns {
  const at = turns.findIndex((t) => t.itemId === turn.itemId);
  if (at < 0) return [...turns, turn];
  const next = [...turns];
  next[at] = turn;
  return next;
}

export function patchTurn(turns: Turns, id: string, patch: Partial<Omit<TranscriptTurn, 'itemId'>>): Turns {
  const turn = turns.find((t) => t.itemId === id);
  return turn ? putTurn(turns, { ...turn, ...patch }) : turns;
}

export function dropTurns(turns: Turns, ids: readonly string[]): Turns {
  return ids.length === 0 ? turns : turns.filter((t) => !ids.includes(t.itemId));
}

export function turnsAsText(turns: Turns): string {
  const lines: string[] = [];
  for (const turn of turns) {
    const text = turn.text || (turn.status === 'interrupted' ? '(interrupted)' : '');
    if (text) lines.push(`${turn.role === 'user' ? 'You' : 'Coach'}: ${text}`);
  }
  return lines.join('\n');
}

/**
 * Whether recognised words are the coach's own voice coming back through the speakers: most of them
 * (at least two) appear in what the coach is saying right now.
 */
export function isEcho(heard: string, coachSaying: string): boolean {
  const words = heard.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  if (words.length < 2 || !coachSaying) return false;
  const said = new Set(coachSaying.toLowerCase().match(/[a-z0-9']+/g) ?? []);
  return words.filter((w) => said.has(w)).length / words.length >= 0.6;
}

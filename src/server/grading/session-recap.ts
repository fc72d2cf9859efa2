/**
 * The recap of a graded session: a few plain sentences the coach is given at the start of the next session in
 * the same scenario (with the user's consent), so coaching continues where it left off. Composed from the
 * scorecard alone (no model call), deterministic: the date, the overall score, the strongest and weakest
 * criteria with their scores, and the first improvement. The text becomes part of the coach's instructions,
 * so it is cleaned here (one line, no control characters, no angle brackets that could fake the block's
 * delimiters) and bounded. Pure functions.
 */
import type { Scorecard, ScorecardCriterion } from './scorecard';

/** The longest summary the server composes, signs or binds. */
export const MAX_RECAP_SUMMARY_CHARS = 600;

// C0/C1 controls (newlines included: the summary is one line) and angle brackets (the instructions' delimiters).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f<>]/g;

/** One line of plain text: unsafe characters become spaces, whitespace collapsed. */
export function cleanRecapText(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** "24 Nov 2026" (UTC, English month names, whatever the server's locale). */
export function recapDate(nowMs: number): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(nowMs)).replace('Sept', 'Sep');
}

/** Highest score first; ties go to the heavier criterion, then to rubric order. */
function strongest(criteria: readonly ScorecardCriterion[]): ScorecardCriterion | undefined {
  return criteria.reduce<ScorecardCriterion | undefined>((best, c) => (!best || c.score > best.score || (c.score === best.score && c.weight > best.weight) ? c : best), undefined);
}

/** Lowest score first; ties go to the heavier criterion (the most to gain), then to rubric order. */
function weakest(criteria: readonly ScorecardCriterion[]): ScorecardCriterion | undefined {
  return criteria.reduce<ScorecardCriterion | undefined>((worst, c) => (!worst || c.score < worst.score || (c.score === worst.score && c.weight > worst.weight) ? c : worst), undefined);
}

const withStop = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
const named = (c: ScorecardCriterion) => `${cleanRecapText(c.criterion)} (${c.score}/5)`;

/**
 * E.g. "Previous session (24 Nov 2026): overall 58/100. Strongest: Clear ask (4/5). Weakest: Risk ownership (2/5).
 * To work on: name who owns model risk." At most MAX_RECAP_SUMMARY_CHARS; the improvement is what gets shortened.
 */
export function composeRecapSummary(scorecard: Pick<Scorecard, 'overall' | 'criteria' | 'improvements'>, nowMs: number): string {
  const parts = [`Previous session (${recapDate(nowMs)}): overall ${scorecard.overall}/100.`];
  const top = strongest(scorecard.criteria);
  const bottom = weakest(scorecard.criteria);
  if (top && bottom && top.score !== bottom.score) parts.push(`Strongest: ${named(top)}.`, `Weakest: ${named(bottom)}.`);
  else if (top && scorecard.criteria.length === 1) parts.push(`${named(top)}.`);
  else if (top) parts.push(`Every criterion scored ${top.score}/5; the one that matters most: ${cleanRecapText(bottom!.criterion)}.`);
  const head = parts.join(' ');

  const improvement = cleanRecapText(scorecard.improvements[0] ?? '');
  if (!improvement) return head.slice(0, MAX_RECAP_SUMMARY_CHARS);
  const label = ' To work on: ';
  const room = MAX_RECAP_SUMMARY_CHARS - head.length - label.length;
  if (room < 20) return head.slice(0, MAX_RECAP_SUMMARY_CHARS);
  const full = withStop(improvement);
  const fitted = full.length <= room ? full : `${full.slice(0, room - 1).replace(/\s+\S*$/, '')}…`;
  return `${head}${label}${fitted}`;
}

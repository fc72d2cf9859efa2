/**
 * Two longer lines the demo coach composes rather than picks: the goodbye (what was covered, the main
 * takeaway, one next step) and a library answer (the library's words, labelled as such, the briefing to
 * read, and a question that brings it back to the user). Pure: inputs in, text out.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchResponse } from '../types/api';
import { capitalise, fill, listOf, splitSentences } from './demo-text';
import { LINES } from './script/conversation-lines';
import { roleById } from './script/rehearsal-roles';
import type { DemoTopic, RoleId } from './script/topic-types';

const REHEARSAL_STEP = 'write your answer to the hardest question you faced in three sentences, and say it out loud twice';

/** `topics` in the order discussed, with how far each got (0–4). */
export function goodbyeText(topics: ReadonlyArray<{ topic: DemoTopic; stage: number }>, rehearsed: readonly RoleId[]): string {
  const g = LINES.goodbye;
  if (topics.length === 0 && rehearsed.length === 0) return g.empty;
  const parts: string[] = [];
  if (topics.length > 0) parts.push(fill(g.covered, { topics: listOf(topics.map((t) => t.topic.label)) }));
  // Crisp: the takeaway and next step of the topic that got furthest (the latest of those), not of each.
  const focus = [...topics].reverse().sort((a, b) => b.stage - a.stage)[0]?.topic;
  if (focus) parts.push(capitalise(fill(g.takeaway, { label: focus.label, takeaway: focus.takeaway })));
  for (const id of rehearsed.slice(-1)) parts.push(fill(g.rehearsed, { exercise: roleById(id).exercise, role: roleById(id).name }));
  parts.push(fill(g.nextStep, { nextStep: focus?.nextStep ?? REHEARSAL_STEP }));
  if (topics.length === 0) parts[0] = `Good session. ${parts[0]}`;
  return parts.join(' ');
}

/** Whether the search found nothing to say (the library's own "nothing on that" answers). */
export function isEmptyAnswer(result: SearchResponse): boolean {
  return result.citations.length === 0 || /nothing (in the library matches|on that yet)/i.test(result.answer);
}

/**
 * A found answer: labelled by its source, its first two sentences (the briefing's summary: speakable),
 * a caution when it is an earlier answer, the briefing's title, then `question`.
 */
export function searchAnswerText(result: SearchResponse, question: string): string {
  const body = result.answer.replace(/^From the platform's library:\s*/i, '').trim();
  const label = result.provider === 'knowledge' ? LINES.search.label.knowledge : LINES.search.label.other;
  const summary = splitSentences(body).slice(0, 2).join(' ');
  const title = result.citations[0]?.title;
  return [label, summary, result.stale ? LINES.search.stale : '', title ? fill(LINES.search.briefing, { title }) : '', question]
    .filter(Boolean)
    .join(' ');
}

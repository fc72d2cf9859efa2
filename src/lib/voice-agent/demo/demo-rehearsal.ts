/**
 * A rehearsal with the demo coach in role: which counterpart, how far through its objections, and what
 * the user's answers showed (figures, hedging, length, a clear ask, risks addressed) for the feedback
 * when the coach steps out. Pure functions over a small state object; ../demo-coach.ts decides when a
 * rehearsal starts, pauses and ends.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { wordCount } from './demo-text';
import { LINES } from './script/conversation-lines';
import { roleById, STEP_OUT_HINT, type RehearsalRole } from './script/rehearsal-roles';
import type { RehearsalRoleId, RoleId } from './script/topic-types';

export interface Observation {
  words: number;
  numbers: boolean;
  hedges: number;
  ask: boolean;
  risk: boolean;
}

export interface Rehearsal {
  role: RehearsalRoleId;
  /** The scenario's counterpart, when `role` is `scenario` (not in the built-in list). */
  custom?: RehearsalRole;
  /** Next objection to raise. */
  round: number;
  /** Sharper reactions already used (each once per run). */
  reacted: ReadonlyArray<'vague' | 'hedge' | 'numbers'>;
  answers: readonly Observation[];
  /** In role (false while stepped out for feedback). */
  inRole: boolean;
  /** A second run: shorter answers count as evasive. */
  tough: boolean;
}

const NUMBERS = /\d|£|€|\$|\b(percent|per cent|million|thousand|billion|half|double|twice)\b/;
const HEDGES = /\b(hopefully|i think|we think|i believe|we believe|maybe|perhaps|probably|sort of|kind of|try to|we hope|i hope|should be|might|fingers crossed)\b/g;
const ASK = /\b(ask|asking|approve|approval|decision|decide|request|need you|we need|we want|i want|your support|sign off|budget of|invest|commit)\b/;
const RISK = /\b(risks?|safe|safety|controls?|oversight|incidents?|governance|compliance|mitigat\w*|guardrails?|test\w*|audit\w*|monitor\w*|human in the loop|review)\b/;

export function observe(normalised: string): Observation {
  return {
    words: wordCount(normalised),
    numbers: NUMBERS.test(normalised),
    hedges: normalised.match(HEDGES)?.length ?? 0,
    ask: ASK.test(normalised),
    risk: RISK.test(normalised),
  };
}

/** The role a rehearsal plays: the scenario's counterpart, or a built-in one. */
export function roleOf(rehearsal: Pick<Rehearsal, 'role' | 'custom'>): RehearsalRole {
  return rehearsal.custom ?? roleById(rehearsal.role as RoleId);
}

/** A fresh run; `again` skips the scene-setting and plays it tougher. */
export function startRehearsal(role: RoleId | RehearsalRole, again = false): { rehearsal: Rehearsal; line: string } {
  const r = typeof role === 'string' ? roleById(role) : role;
  return {
    rehearsal: { role: r.id, ...(typeof role === 'string' ? {} : { custom: role }), round: 0, reacted: [], answers: [], inRole: true, tough: again },
    line: again ? r.opener : `${r.setup} ${STEP_OUT_HINT} ${r.opener}`,
  };
}

/** The counterpart's next line after the user's answer; `finished` when the objections ran out. */
export function counterpartReply(rehearsal: Rehearsal, normalised: string, vague: boolean): { rehearsal: Rehearsal; line: string; finished: boolean } {
  const role = roleOf(rehearsal);
  const seen = observe(normalised);
  const answers = [...rehearsal.answers, seen];
  const reaction = pickReaction(role, rehearsal, answers, seen, vague);
  if (reaction) {
    return { rehearsal: { ...rehearsal, answers, reacted: [...rehearsal.reacted, reaction.kind] }, line: reaction.line, finished: false };
  }
  const next = role.pushbacks[rehearsal.round];
  if (next === undefined) return { rehearsal: { ...rehearsal, answers, inRole: false }, line: role.closer, finished: true };
  return { rehearsal: { ...rehearsal, answers, round: rehearsal.round + 1 }, line: next, finished: false };
}

function pickReaction(role: RehearsalRole, r: Rehearsal, answers: readonly Observation[], seen: Observation, vague: boolean) {
  const fresh = (kind: 'vague' | 'hedge' | 'numbers') => !r.reacted.includes(kind);
  if ((vague || seen.words <= (r.tough ? 12 : 6)) && fresh('vague')) return { kind: 'vague' as const, line: role.onVague };
  if (seen.hedges > 0 && fresh('hedge')) return { kind: 'hedge' as const, line: role.onHedge };
  if (role.onNoNumbers && answers.length >= 2 && !answers.some((a) => a.numbers) && fresh('numbers')) {
    return { kind: 'numbers' as const, line: role.onNoNumbers };
  }
  return undefined;
}

/** Out of role: one strength, one gap, one question (the brief's coaching shape). */
export function feedback(rehearsal: Rehearsal, intro: string): string {
  const role = roleOf(rehearsal);
  const f = LINES.feedback;
  const answers = rehearsal.answers;
  if (answers.length === 0) return `${intro} ${f.nothingYet}`;
  const money = role.onNoNumbers !== undefined;
  const numbers = answers.some((a) => a.numbers);
  const ask = answers.some((a) => a.ask);
  const risk = answers.some((a) => a.risk);
  const hedges = answers.reduce((sum, a) => sum + a.hedges, 0);
  const average = answers.reduce((sum, a) => sum + a.words, 0) / answers.length;

  const strength =
    money && numbers ? f.strength.numbers
    : money && ask ? f.strength.ask
    : risk && role.id !== 'cfo' ? f.strength.risk
    : average >= 10 && average <= 45 ? f.strength.concise
    : f.strength.default;
  const gap =
    hedges >= 1 ? f.gap.hedging
    : money && !numbers ? f.gap.noNumbers
    : average > 60 ? f.gap.long
    : money && !ask ? f.gap.noAsk
    : !risk && role.id !== 'cfo' ? f.gap.noRisk
    : money ? f.gap.defaultMoney
    : f.gap.defaultMessage;
  return `${intro} ${strength} ${gap} ${f.question}`;
}

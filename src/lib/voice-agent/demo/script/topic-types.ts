/**
 * The shape of the demo coach's subject matter. Each practice topic is data: the words that signal it,
 * what the coach says at each stage of working through it (diagnose → advise → challenge → summarise),
 * and the library briefing it draws on (src/content/knowledge/<slug>.md, published at /library/<slug>).
 * The logic that walks through it lives in ../demo-coach.ts; nothing here decides anything.
 *
 * Writing rules for every line (they are what users judge the product by): spoken, not written; two to
 * four short sentences; concrete and candid like a board adviser; the last sentence is one sharp
 * question. `{org}` becomes "your bank", "your hospital"… once the user has said what they run, else
 * "your organisation".
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { Keywords } from '../demo-text';

export type TopicId =
  | 'strategy'
  | 'business-case'
  | 'measurement'
  | 'board-reporting'
  | 'governance'
  | 'regulation'
  | 'security'
  | 'responsible-ai'
  | 'data'
  | 'build-buy'
  | 'vendors'
  | 'pilot-production'
  | 'change'
  | 'talent';

export type RoleId = 'board' | 'cfo' | 'press' | 'regulator' | 'staff';
/** A built-in role, or the counterpart of the practice scenario the session is for (script/scenario-role.ts). */
export type RehearsalRoleId = RoleId | 'scenario';

/** Advice that answers something specific the user said (checked before the general advice). */
export interface Insight {
  /** Any of these terms in the user's answer (see `Keywords` syntax, weights ignored). */
  when: readonly string[];
  line: string;
}

export interface DemoTopic {
  id: TopicId;
  /** Spoken name after "on" / "we covered": "the business case". */
  label: string;
  /** The library briefing behind it. */
  article: { slug: string; title: string };
  keywords: Keywords;
  /** First line on the topic: a framing point, then the diagnostic question. */
  diagnose: readonly string[];
  advise: readonly string[];
  insights?: readonly Insight[];
  /** Pressure-test the user's plan. */
  challenge: readonly string[];
  /** One clause for the summary: "fund in stages against evidence". */
  takeaway: string;
  /** One imperative clause: "write down the baseline for your first use case". */
  nextStep: string;
  /** Asked after a library answer on this topic: brings the fact back to the user's situation. */
  applyQuestion: string;
  /** Who to rehearse this topic against. */
  rehearsal: RoleId;
  /** Where to go next, in order of preference. */
  related: readonly TopicId[];
}

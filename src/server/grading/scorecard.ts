/**
 * From a grader's marks to the scorecard the browser shows: the model's answer validated with zod, evidence
 * quotes that are not really the user's words dropped (and said so in `notes`), the weighted overall score
 * computed here from the rubric weights (never taken from the model), and the next things to read or try.
 * Pure functions.
 */
import { z } from 'zod';
import type { TranscriptTurn } from './grade-body';
import type { GradingCriterion } from './grading-prompt';

export type Grader = 'model' | 'heuristic';

export interface CriterionMark {
  score: number;
  evidence: string[];
  comment: string;
}

/** What a grader produces: one mark per rubric criterion id, three strengths, three improvements. */
export interface Marks {
  criteria: Record<string, CriterionMark>;
  strengths: string[];
  improvements: string[];
}

export interface ScorecardCriterion {
  id: string;
  criterion: string;
  weight: number;
  score: number;
  evidence: string[];
  comment: string;
}

export interface Scorecard {
  scenario: { id: string; title: string };
  overall: number;
  criteria: ScorecardCriterion[];
  strengths: string[];
  improvements: string[];
  next: { articles: string[]; scenario?: string };
  grader: Grader;
  notes: string[];
  /** A summary for the next session in this scenario, and its signed form (session-recap.ts, recap-token.ts). */
  recap?: SessionRecap;
}

export interface SessionRecap {
  summary: string;
  token: string;
}

const sentence = z.string().trim().min(1).max(600);

/** The zod schema of the model's answer for a rubric (extra keys are ignored; every criterion must be there). */
export function modelAnswerSchema(rubric: readonly Pick<GradingCriterion, 'id'>[]) {
  const mark = z.object({
    score: z.number().int().min(1).max(5),
    evidence: z.array(z.string().max(1000)).max(2),
    comment: sentence,
  });
  return z.object({
    criteria: z.object(Object.fromEntries(rubric.map((c) => [c.id, mark]))),
    strengths: z.array(sentence).length(3),
    improvements: z.array(sentence).length(3),
  });
}

/** Parses the model's message content; null when it is not JSON or does not match the schema. */
export function parseModelAnswer(content: string | null | undefined, rubric: readonly Pick<GradingCriterion, 'id'>[]): Marks | null {
  if (!content) return null;
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return null;
  }
  const result = modelAnswerSchema(rubric).safeParse(data);
  return result.success ? (result.data as Marks) : null;
}

/** Whitespace collapsed and typographic quotes/dashes made plain, for the substring check. */
export function normaliseText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201f]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A quote as the model wrote it, without surrounding quotation marks or ellipses. */
function bareQuote(quote: string): string {
  return normaliseText(quote)
    .replace(/^["'\s]+|["'\s]+$/g, '')
    .replace(/^(?:\.\.\.|…)\s*|\s*(?:\.\.\.|…)$/g, '')
    .trim();
}

/**
 * Keeps only evidence that is a substring of one of the user's turns (after whitespace and quotation-mark
 * normalisation; at least 3 characters). Returns the kept quotes (as the user said them) and how many were dropped.
 */
export function filterQuotes(quotes: readonly string[], transcript: readonly TranscriptTurn[]): { kept: string[]; dropped: number } {
  const turns = transcript.filter((t) => t.role === 'user').map((t) => normaliseText(t.text));
  const kept: string[] = [];
  let dropped = 0;
  for (const q of quotes) {
    const bare = bareQuote(q);
    if (bare.length >= 3 && turns.some((t) => t.includes(bare))) {
      if (!kept.includes(bare)) kept.push(bare);
    } else dropped++;
  }
  return { kept, dropped };
}

/** Σ wᵢ·(sᵢ − 1)/4 / Σ wᵢ × 100, rounded: every criterion at 1 → 0, every one at 5 → 100. */
export function overallScore(criteria: readonly { weight: number; score: number }[]): number {
  const total = criteria.reduce((sum, c) => sum + c.weight, 0);
  if (total <= 0) return 0;
  // Integer arithmetic until the one division, so halves round up reliably (57.5 → 58).
  const weighted = criteria.reduce((sum, c) => sum + c.weight * (c.score - 1), 0);
  return Math.round((100 * weighted) / (4 * total));
}

export interface ScorecardInput {
  scenario: { id: string; title: string; relatedArticles: readonly string[] };
  rubric: readonly GradingCriterion[];
  marks: Marks;
  transcript: readonly TranscriptTurn[];
  grader: Grader;
  /** The scenario to suggest next (when the overall score is good enough to move on). */
  nextScenario?: string;
  notes?: string[];
}

/** Score at which the scorecard suggests moving on to another scenario rather than practising this one again. */
export const MOVE_ON_SCORE = 60;

export function composeScorecard(input: ScorecardInput): Scorecard {
  const notes = [...(input.notes ?? [])];
  let dropped = 0;
  const criteria = input.rubric.map((c) => {
    const mark = input.marks.criteria[c.id]!;
    const { kept, dropped: d } = filterQuotes(mark.evidence, input.transcript);
    dropped += d;
    return { id: c.id, criterion: c.criterion, weight: c.weight, score: mark.score, evidence: kept, comment: mark.comment.trim() };
  });
  if (dropped > 0) {
    notes.push(
      `${dropped} evidence ${dropped === 1 ? 'quote was' : 'quotes were'} removed because ${dropped === 1 ? 'it does' : 'they do'} not appear word for word in what you said.`,
    );
  }
  const overall = overallScore(criteria);
  return {
    scenario: { id: input.scenario.id, title: input.scenario.title },
    overall,
    criteria,
    strengths: input.marks.strengths.slice(0, 3),
    improvements: input.marks.improvements.slice(0, 3),
    next: {
      articles: [...input.scenario.relatedArticles],
      ...(input.nextScenario && overall >= MOVE_ON_SCORE ? { scenario: input.nextScenario } : {}),
    },
    grader: input.grader,
    notes,
  };
}

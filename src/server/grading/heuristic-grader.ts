/**
 * The demo-mode grader: no model, only counts anyone can check. Each rubric criterion is matched to one
 * measurable signal by the words of its name (figures, questions, hedges, length, next steps); the score
 * comes from that count, the evidence is the user's own sentences that show it, and the comment says what
 * was counted. The scorecard says it is heuristic (`grader: 'heuristic'` and a note). Pure and deterministic.
 */
import type { TranscriptTurn } from './grade-body';
import type { GradingCriterion } from './grading-prompt';
import type { CriterionMark, Marks } from './scorecard';

export const HEURISTIC_NOTE =
  'Demo mode: this scorecard comes from a simple heuristic (counts of figures, questions, hedging words, answer length and next steps in what you said), not from an AI grader. Treat it as a rough guide.';

export type Signal = 'figures' | 'questions' | 'hedges' | 'concision' | 'next-step' | 'engagement';

export interface TranscriptCounts {
  userTurns: number;
  words: number;
  wordsPerTurn: number;
  figures: number;
  questions: number;
  hedges: number;
  nextSteps: number;
  sentences: string[];
}

const FIGURE = /(?:[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:%|percent|per cent|k\b|m\b|bn\b|million|billion|thousand|weeks?|months?|quarters?|years?|days?)|\b\d{2,}\b|\b\d+(?:[.,]\d+)?\b)/i;
const HEDGE = /\b(?:maybe|perhaps|i think|i guess|i suppose|kind of|sort of|probably|possibly|hopefully|might|just|a bit|somewhat|not sure|i feel like)\b/gi;
const NEXT_STEP = /\b(?:by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|the end of|end of|q[1-4]|january|february|march|april|may|june|july|august|september|october|november|december)|next step|i will|i'll|we will|we'll|commit|deadline|owner|this week|tomorrow)\b/gi;

/** The user's sentences (verbatim pieces of their turns). */
function userSentences(transcript: readonly TranscriptTurn[]): string[] {
  const out: string[] = [];
  for (const t of transcript) {
    if (t.role !== 'user') continue;
    const text = t.text.replace(/\s+/g, ' ').trim();
    for (const s of text.match(/[^.!?]+[.!?]*/g) ?? []) if (s.trim().length >= 3) out.push(s.trim());
  }
  return out;
}

export function countTranscript(transcript: readonly TranscriptTurn[]): TranscriptCounts {
  const turns = transcript.filter((t) => t.role === 'user' && t.text.trim());
  const sentences = userSentences(transcript);
  const words = turns.reduce((n, t) => n + (t.text.trim().match(/\S+/g)?.length ?? 0), 0);
  const count = (re: RegExp) => turns.reduce((n, t) => n + (t.text.match(re)?.length ?? 0), 0);
  return {
    userTurns: turns.length,
    words,
    wordsPerTurn: turns.length ? Math.round(words / turns.length) : 0,
    figures: sentences.filter((s) => FIGURE.test(s)).length,
    questions: sentences.filter((s) => s.endsWith('?')).length,
    hedges: count(HEDGE),
    nextSteps: count(NEXT_STEP),
    sentences,
  };
}

/** Which signal a criterion is judged by, from the words of its id and name. */
export function signalFor(c: Pick<GradingCriterion, 'id' | 'criterion'>): Signal {
  const words = `${c.id} ${c.criterion}`.toLowerCase();
  if (/question|listen|curios|stakeholder|empath|audience|people/.test(words)) return 'questions';
  if (/evidence|number|figure|data|metric|value|budget|business case|return|cost|roi|fact|assumption/.test(words)) return 'figures';
  if (/next step|commit|ask|close|action|decision|plan/.test(words)) return 'next-step';
  if (/confiden|composure|ownership|credib|candou|honest|accountab|apolog|presence/.test(words)) return 'hedges';
  if (/clar|concis|message|structure|brief|plain|story|narrative|framing/.test(words)) return 'concision';
  return 'engagement';
}

const clamp = (n: number) => Math.max(1, Math.min(5, Math.round(n)));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function mark(signal: Signal, k: TranscriptCounts): CriterionMark & { signal: Signal } {
  const pick = (test: (s: string) => boolean) => k.sentences.filter(test).slice(0, 2);
  const n = Math.max(1, k.userTurns);
  switch (signal) {
    case 'figures':
      return { signal, score: clamp(1 + k.figures * 1.5), evidence: pick((s) => FIGURE.test(s)),
        comment: `Heuristic: ${plural(k.figures, 'sentence')} with a figure (numbers, percentages, amounts, dates) across ${plural(k.userTurns, 'answer')}.` };
    case 'questions':
      return { signal, score: clamp(1 + k.questions * 1.5), evidence: pick((s) => s.endsWith('?')),
        comment: `Heuristic: you asked ${plural(k.questions, 'question')} in ${plural(k.userTurns, 'answer')}.` };
    case 'hedges': {
      const rate = k.hedges / n;
      return { signal, score: k.words < 15 ? 1 : clamp(5 - rate * 2), evidence: pick((s) => !new RegExp(HEDGE.source, 'i').test(s) && s.length > 20),
        comment: `Heuristic: ${plural(k.hedges, 'hedging word')} ("maybe", "I think", "just"…) in ${plural(k.userTurns, 'answer')}.` };
    }
    case 'concision': {
      const w = k.wordsPerTurn;
      const score = k.words < 15 ? 1 : w <= 90 && w >= 15 ? 5 : w <= 130 && w >= 8 ? 4 : w <= 180 ? 3 : 2;
      return { signal, score, evidence: pick((s) => s.split(/\s+/).length <= 25),
        comment: `Heuristic: ${w} words per answer on average (short, direct answers of 15–90 words score best).` };
    }
    case 'next-step':
      return { signal, score: clamp(1 + k.nextSteps * 2), evidence: pick((s) => new RegExp(NEXT_STEP.source, 'i').test(s)),
        comment: `Heuristic: ${plural(k.nextSteps, 'commitment or next-step phrase')} ("I will", "by Friday", "next step"…).` };
    case 'engagement':
    default:
      return { signal: 'engagement', score: clamp(k.words / 60 + 1), evidence: pick((s) => s.length > 30),
        comment: `Heuristic: ${plural(k.words, 'word')} over ${plural(k.userTurns, 'answer')}.` };
  }
}

const STRENGTH: Record<Signal, string> = {
  figures: 'You backed your points with figures.',
  questions: 'You asked questions to understand the other side.',
  hedges: 'You spoke without much hedging.',
  concision: 'Your answers were a manageable length.',
  'next-step': 'You named concrete next steps.',
  engagement: 'You stayed engaged in the conversation.',
};
const IMPROVEMENT: Record<Signal, string> = {
  figures: 'Add one or two concrete figures (cost, time saved, risk reduced) to each key claim.',
  questions: 'Ask at least one open question to learn what the other side needs.',
  hedges: 'Drop hedges like "maybe" and "I think" when you state your position.',
  concision: 'Aim for answers of two to four sentences, leading with your point.',
  'next-step': 'Close with a specific next step: who does what, by when.',
  engagement: 'Say more: develop each answer with a reason and an example.',
};

/** Marks for a rubric from counts alone. */
export function heuristicMarks(rubric: readonly GradingCriterion[], transcript: readonly TranscriptTurn[]): Marks {
  const k = countTranscript(transcript);
  const marked = rubric.map((c) => ({ c, m: mark(signalFor(c), k) }));
  const criteria = Object.fromEntries(marked.map(({ c, m }) => [c.id, { score: m.score, evidence: m.evidence, comment: m.comment }]));
  // Best three criteria → strengths, weakest three → improvements (stable order: score, then weight).
  const byScore = [...marked].sort((a, b) => b.m.score - a.m.score || b.c.weight - a.c.weight);
  const strengths = byScore.slice(0, 3).map(({ c, m }) => `${c.criterion}: ${STRENGTH[m.signal]} (${m.score}/5)`);
  const improvements = [...byScore].reverse().slice(0, 3).map(({ c, m }) => `${c.criterion}: ${IMPROVEMENT[m.signal]}`);
  return { criteria, strengths, improvements };
}

/**
 * The grading pieces that stay on the server: the prompt and JSON schema built from a scenario's rubric,
 * the model-answer validation, evidence-quote filtering, the weighted overall score, the heuristic grader
 * (demo mode) on known transcripts, and the request body's limits.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioCatalogue } from '../../../src/server/coach/scenario-catalogue';
import { gradeBody, MAX_TURN_CHARS } from '../../../src/server/grading/grade-body';
import { GENERIC_COACHING } from '../../../src/server/grading/grading-service';
import {
  PROMPT_MARKER,
  SCHEMA_NAME,
  graderInstructions,
  gradingJsonSchema,
  gradingRequest,
  transcriptText,
} from '../../../src/server/grading/grading-prompt';
import { HEURISTIC_NOTE, countTranscript, heuristicMarks, signalFor } from '../../../src/server/grading/heuristic-grader';
import { composeScorecard, filterQuotes, overallScore, parseModelAnswer, type Marks } from '../../../src/server/grading/scorecard';

const catalogue = loadScenarioCatalogue();
const board = catalogue.get('pitch-ai-strategy-to-the-board')!;
const u = (text: string) => ({ role: 'user' as const, text });
const a = (text: string) => ({ role: 'assistant' as const, text });

const TRANSCRIPT = [
  a('Why should this board fund another AI programme?'),
  u('Our pilot cut claims handling time by 32 percent in 12 weeks.\nWe want $4 million to scale it to three regions.'),
  a('What happens if it fails?'),
  u('What would you need to see by March to feel comfortable? I will bring the risk register to the next meeting by Friday.'),
];
const SESSION = 'sess_0123456789abcdefghijklmnopqrstuv';

function marksFor(rubric: readonly { id: string }[], score = 3, evidence: string[] = []): Marks {
  return {
    criteria: Object.fromEntries(rubric.map((c) => [c.id, { score, evidence, comment: 'Fine.' }])),
    strengths: ['s1', 's2', 's3'],
    improvements: ['i1', 'i2', 'i3'],
  };
}

describe('grading prompt and schema', () => {
  it('the prompt carries every criterion with its weight and good/poor descriptions, and the quote rules', () => {
    const text = graderInstructions(board);
    expect(text.startsWith(PROMPT_MARKER)).toBe(true);
    for (const c of board.rubric) {
      expect(text).toContain(`id "${c.id}": ${c.criterion} (weight ${c.weight} of 100)`);
      expect(text).toContain(`Good (score 5): ${c.good}`);
      expect(text).toContain(`Poor (score 1): ${c.poor}`);
    }
    expect(text).toMatch(/word for word/);
    expect(text).toMatch(/never invent a quote/);
    expect(text).toMatch(/exactly three strengths and exactly three improvements/);
  });

  it('the schema is strict: one required entry per criterion id, scores 1–5, ≤ 2 quotes, exactly 3 strengths/improvements', () => {
    const schema = gradingJsonSchema(board.rubric) as any;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['criteria', 'strengths', 'improvements'] });
    expect(schema.properties.criteria.required).toEqual(board.rubric.map((c) => c.id));
    expect(schema.properties.criteria.additionalProperties).toBe(false);
    for (const c of board.rubric) {
      const e = schema.properties.criteria.properties[c.id];
      expect(e).toMatchObject({ additionalProperties: false, required: ['score', 'evidence', 'comment'] });
      expect(e.properties.score).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
      expect(e.properties.evidence).toMatchObject({ maxItems: 2 });
    }
    expect(schema.properties.strengths).toMatchObject({ minItems: 3, maxItems: 3 });
    expect(schema.properties.improvements).toMatchObject({ minItems: 3, maxItems: 3 });
  });

  it('the request: developer prompt, labelled transcript (one turn a line), strict json_schema format', () => {
    const req = gradingRequest(board, TRANSCRIPT);
    expect(req.messages[0]).toMatchObject({ role: 'developer' });
    expect(req.messages[1]!.content).toContain('EXECUTIVE: Our pilot cut claims handling time by 32 percent in 12 weeks. We want $4 million');
    expect(req.messages[1]!.content).toContain('COUNTERPART: What happens if it fails?');
    expect(req.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: SCHEMA_NAME, strict: true } });
    expect(transcriptText([u('  '), u('a\nb')])).toBe('EXECUTIVE: a b');
  });

  it('the scorecard never contains the prompt, the good/poor descriptions or the schema', () => {
    const card = composeScorecard({ scenario: board, rubric: board.rubric, marks: marksFor(board.rubric), transcript: TRANSCRIPT, grader: 'model' });
    const json = JSON.stringify(card);
    expect(json).not.toContain(PROMPT_MARKER);
    expect(json).not.toContain(SCHEMA_NAME);
    for (const c of board.rubric) {
      expect(json).not.toContain(c.good);
      expect(json).not.toContain(c.poor);
    }
    expect(Object.keys(card).sort()).toEqual(['criteria', 'grader', 'improvements', 'next', 'notes', 'overall', 'scenario', 'strengths']);
    expect(Object.keys(card.criteria[0]!).sort()).toEqual(['comment', 'criterion', 'evidence', 'id', 'score', 'weight']);
  });
});

describe('model answers', () => {
  const good = JSON.stringify(marksFor(board.rubric, 4, ['Our pilot cut claims handling time by 32 percent in 12 weeks.']));
  it('a valid answer parses; extra keys are ignored', () => {
    expect(parseModelAnswer(good, board.rubric)?.criteria[board.rubric[0]!.id]?.score).toBe(4);
    expect(parseModelAnswer(JSON.stringify({ ...JSON.parse(good), extra: 1 }), board.rubric)).not.toBeNull();
  });
  it.each([
    ['not JSON', '{"criteria":'],
    ['null content', null],
    ['a missing criterion', JSON.stringify(marksFor(board.rubric.slice(1)))],
    ['a score of 6', JSON.stringify(marksFor(board.rubric, 6))],
    ['a score of 2.5', JSON.stringify(marksFor(board.rubric, 2.5))],
    ['three quotes', JSON.stringify(marksFor(board.rubric, 3, ['a', 'b', 'c']))],
    ['two strengths', JSON.stringify({ ...marksFor(board.rubric), strengths: ['a', 'b'] })],
  ])('%s → null', (_name, content) => {
    expect(parseModelAnswer(content, board.rubric)).toBeNull();
  });
});

describe('quote filtering', () => {
  it('keeps verbatim substrings of user turns (whitespace, quote marks and ellipses normalised), drops the rest', () => {
    const { kept, dropped } = filterQuotes(
      [
        'Our pilot cut claims handling time by 32 percent in 12 weeks.',
        '“We want $4 million to scale it”',
        '...to three regions.',
        'Why should this board fund another AI programme?', // the counterpart's words
        'We saved 40 percent.', // invented
        'ab', // too short to mean anything
        'Our pilot cut claims handling time by 32 percent in 12 weeks.', // duplicate
      ],
      TRANSCRIPT,
    );
    expect(kept).toEqual(['Our pilot cut claims handling time by 32 percent in 12 weeks.', 'We want $4 million to scale it', 'to three regions.']);
    expect(dropped).toBe(3);
  });

  it('the scorecard says how many quotes were removed', () => {
    const marks = marksFor(board.rubric, 3, ['We saved 40 percent.']);
    const card = composeScorecard({ scenario: board, rubric: board.rubric, marks, transcript: TRANSCRIPT, grader: 'model' });
    expect(card.criteria.every((c) => c.evidence.length === 0)).toBe(true);
    expect(card.notes).toEqual([`${board.rubric.length} evidence quotes were removed because they do not appear word for word in what you said.`]);
  });
});

describe('overall score', () => {
  it('is the weighted mean of (score − 1)/4 on a 0–100 scale', () => {
    expect(overallScore([{ weight: 50, score: 1 }, { weight: 50, score: 1 }])).toBe(0);
    expect(overallScore([{ weight: 30, score: 5 }, { weight: 70, score: 5 }])).toBe(100);
    expect(overallScore([{ weight: 25, score: 5 }, { weight: 75, score: 1 }])).toBe(25);
    // 20·(4/4) + 30·(2/4) + 50·(1/4) = 20 + 15 + 12.5 = 47.5 → 48
    expect(overallScore([{ weight: 20, score: 5 }, { weight: 30, score: 3 }, { weight: 50, score: 2 }])).toBe(48);
    expect(overallScore([])).toBe(0);
  });

  it('composeScorecard uses the rubric weights and order; next: related articles, and the next scenario only when ≥ 60', () => {
    const scores = [5, 4, 3, 2, 1, 5, 4];
    const marks = marksFor(board.rubric);
    board.rubric.forEach((c, i) => (marks.criteria[c.id]!.score = scores[i]!));
    const card = composeScorecard({ scenario: board, rubric: board.rubric, marks, transcript: TRANSCRIPT, grader: 'model', nextScenario: 'x-next' });
    expect(card.criteria.map((c) => [c.id, c.weight])).toEqual(board.rubric.map((c) => [c.id, c.weight]));
    // weights add up to 100: Σ w·(s − 1) / 4, e.g. 25·4 + 25·3 + 20·2 + 15·1 + 15·0 = 230 → 57.5 → 58
    const expected = Math.round(board.rubric.reduce((s, c, i) => s + c.weight * (scores[i]! - 1), 0) / 4);
    expect(expected).toBe(58);
    expect(card.overall).toBe(expected);
    expect(card.next.articles).toEqual(board.relatedArticles);
    expect(card.next.scenario === 'x-next').toBe(expected >= 60);
    const top = composeScorecard({ scenario: board, rubric: board.rubric, marks: marksFor(board.rubric, 5), transcript: TRANSCRIPT, grader: 'model', nextScenario: 'x-next' });
    expect(top.next.scenario).toBe('x-next');
    const low = composeScorecard({ scenario: board, rubric: board.rubric, marks: marksFor(board.rubric, 2), transcript: TRANSCRIPT, grader: 'model', nextScenario: 'x-next' });
    expect(low.next).not.toHaveProperty('scenario');
  });
});

describe('heuristic grader', () => {
  it('counts figures, questions, hedges, words and next steps in the user turns only', () => {
    const k = countTranscript(TRANSCRIPT);
    expect(k).toMatchObject({ userTurns: 2, figures: 2, questions: 1, hedges: 0, nextSteps: 3 }); // by March, I will, by Friday
    expect(k.words).toBe(22 + 23);
    const hedgy = countTranscript([u('I think maybe we could perhaps just try it. Sort of a small thing, probably.'), a('Maybe?')]);
    expect(hedgy).toMatchObject({ userTurns: 1, figures: 0, questions: 0, hedges: 6, nextSteps: 0 });
  });

  it('maps criteria to signals by their words', () => {
    expect(signalFor({ id: 'listening', criterion: 'Listening and questions' })).toBe('questions');
    expect(signalFor({ id: 'business-case', criterion: 'Evidence for value' })).toBe('figures');
    expect(signalFor({ id: 'the-ask', criterion: 'A clear ask' })).toBe('next-step');
    expect(signalFor({ id: 'composure', criterion: 'Composure under pressure' })).toBe('hedges');
    expect(signalFor({ id: 'message', criterion: 'Clear message' })).toBe('concision');
    expect(signalFor({ id: 'other', criterion: 'Something else' })).toBe('engagement');
  });

  it('a strong transcript outscores a hedging one; evidence is verbatim user sentences; 3 strengths and 3 improvements', () => {
    const strong = heuristicMarks(GENERIC_COACHING.rubric, TRANSCRIPT);
    const weak = heuristicMarks(GENERIC_COACHING.rubric, [u('I think maybe we could perhaps just try it.')]);
    const score = (m: Marks) => overallScore(GENERIC_COACHING.rubric.map((c) => ({ weight: c.weight, score: m.criteria[c.id]!.score })));
    expect(score(strong)).toBeGreaterThan(score(weak));
    expect(strong.criteria.evidence).toMatchObject({ score: 4 });
    expect(strong.criteria['next-step']).toMatchObject({ score: 5 });
    expect(weak.criteria.evidence).toMatchObject({ score: 1, evidence: [] });
    for (const m of Object.values(strong.criteria)) {
      expect(m.comment).toMatch(/^Heuristic: /);
      expect(filterQuotes(m.evidence, TRANSCRIPT).dropped).toBe(0);
    }
    expect(strong.strengths).toHaveLength(3);
    expect(strong.improvements).toHaveLength(3);
    // deterministic
    expect(heuristicMarks(GENERIC_COACHING.rubric, TRANSCRIPT)).toEqual(strong);
  });

  it('grades every real scenario rubric, with the heuristic note on the scorecard', () => {
    for (const s of catalogue.list()) {
      const marks = heuristicMarks(s.rubric, TRANSCRIPT);
      const card = composeScorecard({ scenario: s, rubric: s.rubric, marks, transcript: TRANSCRIPT, grader: 'heuristic', notes: [HEURISTIC_NOTE] });
      expect(card.criteria).toHaveLength(s.rubric.length);
      for (const c of card.criteria) expect(c.score).toBeGreaterThanOrEqual(1);
      expect(card.overall).toBeGreaterThanOrEqual(0);
      expect(card.overall).toBeLessThanOrEqual(100);
      expect(card).toMatchObject({ grader: 'heuristic', notes: [HEURISTIC_NOTE] });
    }
    expect(HEURISTIC_NOTE).toMatch(/heuristic/);
  });
});

describe('grade body', () => {
  const ok = { sessionId: SESSION, transcript: TRANSCRIPT };
  it('accepts a transcript with a user turn; scenarioId and status are optional', () => {
    expect(gradeBody.safeParse(ok).success).toBe(true);
    expect(gradeBody.safeParse({ ...ok, scenarioId: board.id, transcript: [{ ...u('Hi there.'), status: 'final' }] }).success).toBe(true);
  });
  it.each([
    ['no transcript', { sessionId: SESSION }],
    ['no user turn', { sessionId: SESSION, transcript: [a('Hello.')] }],
    ['only blank user turns', { sessionId: SESSION, transcript: [u('   ')] }],
    ['a bad role', { sessionId: SESSION, transcript: [{ role: 'system', text: 'x' }] }],
    ['too many turns', { sessionId: SESSION, transcript: Array.from({ length: 201 }, () => u('x')) }],
    ['a turn too long', { sessionId: SESSION, transcript: [u('x'.repeat(MAX_TURN_CHARS + 1))] }],
    ['an unknown field', { ...ok, rubric: [] }],
    ['a bad scenario id', { ...ok, scenarioId: 'Board Pitch' }],
    ['a bad session id', { ...ok, sessionId: 'nope' }],
  ])('refuses %s', (_name, body) => {
    expect(gradeBody.safeParse(body).success).toBe(false);
  });
});

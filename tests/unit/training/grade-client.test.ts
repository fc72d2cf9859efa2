/**
 * The browser's reading of the grade endpoint's answer: a well-formed scorecard (with or without its recap)
 * is taken as it is; anything else is refused, so the UI never renders half a scorecard.
 */
import { describe, expect, it } from 'vitest';
import { parseScorecard } from '../../../src/lib/voice-agent/api/grade-client';

const CARD = {
  scenario: { id: 'town-hall-on-ai-and-jobs', title: 'A town hall on AI and jobs' },
  overall: 71,
  criteria: [{ id: 'candour', criterion: 'Candour', weight: 40, score: 4, evidence: ['we will not hide numbers'], comment: 'Direct.' }],
  strengths: ['a', 'b', 'c'],
  improvements: ['d', 'e', 'f'],
  next: { articles: ['ai-and-the-workforce'], scenario: 'press-interview-after-ai-incident' },
  grader: 'model',
  notes: [],
};

describe('parseScorecard', () => {
  it('takes a well-formed scorecard, with its recap when there is one', () => {
    expect(parseScorecard(CARD)).toEqual(CARD);
    const recap = { summary: 'Previous session: overall 71/100.', token: 'eyJ.x.y' };
    expect(parseScorecard({ ...CARD, recap })).toEqual({ ...CARD, recap });
    // A malformed recap is dropped, not fatal: the scorecard still shows.
    expect(parseScorecard({ ...CARD, recap: { summary: 3 } })).toEqual(CARD);
  });

  it.each([
    ['no body', undefined],
    ['a score out of range', { ...CARD, criteria: [{ ...CARD.criteria[0], score: 7 }] }],
    ['an overall out of range', { ...CARD, overall: 140 }],
    ['an unknown grader', { ...CARD, grader: 'vibes' }],
    ['evidence that is not text', { ...CARD, criteria: [{ ...CARD.criteria[0], evidence: [1] }] }],
    ['no next steps', { ...CARD, next: undefined }],
    ['a missing scenario title', { ...CARD, scenario: { id: 'x' } }],
  ])('refuses %s', (_label, body) => {
    expect(parseScorecard(body)).toBeNull();
  });
});

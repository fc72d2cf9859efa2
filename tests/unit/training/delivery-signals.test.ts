/**
 * The delivery signals' arithmetic on known transcripts: every expected number below is worked out by hand
 * in the comment next to it, from the rules in the module header.
 */
import { describe, expect, it } from 'vitest';
import { computeDeliverySignals, countQuestions, countWords, findFillers, MIN_PACE_SECONDS } from '../../../src/lib/training/delivery-signals';
import type { TranscriptTurn } from '../../../src/lib/voice-agent/realtime/transcript-state';

let seq = 0;
function turn(role: 'user' | 'assistant', text: string, options: Partial<Pick<TranscriptTurn, 'durationMs' | 'source' | 'status'>> = {}): TranscriptTurn {
  const { source = 'voice', status = 'done', durationMs } = options;
  return { itemId: `t${++seq}`, role, text, status, source, ...(durationMs !== undefined ? { durationMs } : {}) };
}
const you = (text: string, options: Parameters<typeof turn>[2] = {}) => turn('user', text, options);
const coach = (text: string, options: Parameters<typeof turn>[2] = {}) => turn('assistant', text, options);

describe('computeDeliverySignals', () => {
  it('a timed spoken conversation: pace, talk ratio by time, fillers, the longest stretch, questions', () => {
    const signals = computeDeliverySignals([
      coach('Tell me about the pilot.', { durationMs: 2_000 }), // 5 words
      // 15 words; fillers: um, you know, basically
      you('Um, we ran the pilot in finance, you know, and it basically paid for itself.', { durationMs: 6_000 }),
      coach('What did it cost?', { durationMs: 1_500 }), // 4 words
      // 4 + 5 + 3 = 12 words, one question
      you('About two million euros. Should we scale it now? I think so.', { durationMs: 4_800 }),
      // 10 words; filler: "I mean," — and no coach words in between: one stretch with the turn before
      you('And the board, I mean, wants a decision by March.', { durationMs: 3_600 }),
    ]);
    expect(signals).toEqual({
      userWords: 37, // 15 + 12 + 10
      userTurns: 3,
      paceWpm: 154, // 37 words / (14 400 ms / 60 000) = 154.17
      talkRatio: 14_400 / (14_400 + 3_500), // ≈ 0.80: every counted turn is timed
      talkRatioBasis: 'time',
      fillerCount: 4,
      fillersPer100Words: 10.8, // 4 / 37 × 100 = 10.81
      topFillers: [
        { word: 'basically', count: 1 },
        { word: 'i mean', count: 1 },
        { word: 'um', count: 1 }, // ties in alphabetical order; "you know" is the fourth
      ],
      longestMonologueWords: 22, // 12 + 10, consecutive
      longestMonologueSeconds: 8, // 4.8 + 3.6 = 8.4 s
      questionsAsked: 1,
    });
  });

  it('no user words: nothing to measure, and no division by zero', () => {
    const empty = {
      userWords: 0,
      userTurns: 0,
      fillerCount: 0,
      fillersPer100Words: 0,
      topFillers: [],
      longestMonologueWords: 0,
      questionsAsked: 0,
    };
    expect(computeDeliverySignals([])).toEqual(empty);
    expect(
      computeDeliverySignals([
        coach('Welcome. What would you like to rehearse today?', { durationMs: 3_000 }),
        you('(inaudible)', { status: 'failed', durationMs: 12_000 }),
        you('(inaudible)', { durationMs: 4_000 }),
      ]),
    ).toEqual(empty);
  });

  it('typed only: words, fillers and questions, no pace, talk ratio by words', () => {
    const signals = computeDeliverySignals([
      coach('Name the risk in one sentence.', { source: 'text' }), // 6 words
      // 13 words; fillers: ", like," and "I sort of" (a hedge); one question
      you("So, like, what's the real risk here? Honestly I sort of doubt it.", { source: 'text' }),
    ]);
    expect(signals).toEqual({
      userWords: 13,
      userTurns: 1,
      talkRatio: 13 / 19,
      talkRatioBasis: 'words',
      fillerCount: 2,
      fillersPer100Words: 15.4, // 2 / 13 × 100 = 15.38
      topFillers: [
        { word: 'like', count: 1 },
        { word: 'sort of', count: 1 },
      ],
      longestMonologueWords: 13, // typed: no seconds
      questionsAsked: 1,
    });
  });

  it('mixed timed and untimed turns: pace over timed voice only, talk ratio falls back to words', () => {
    const thirty = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const ten = Array.from({ length: 10 }, (_, i) => `typed${i}`).join(' ');
    const eight = Array.from({ length: 8 }, (_, i) => `plain${i}`).join(' ');
    const signals = computeDeliverySignals([
      coach(Array.from({ length: 20 }, () => 'coach').join(' '), { durationMs: 8_000 }),
      you(thirty, { durationMs: 12_000 }),
      coach('Go on.', { durationMs: 600 }),
      you(ten, { source: 'text' }),
      you(eight), // spoken, but its duration never became known
    ]);
    expect(signals.paceWpm).toBe(150); // 30 words / (12 000 ms / 60 000); the typed and untimed turns are left out
    expect(signals.talkRatioBasis).toBe('words');
    expect(signals.talkRatio).toBeCloseTo(48 / (48 + 22), 10); // (30 + 10 + 8) / (48 + 20 + 2)
    expect(signals.userWords).toBe(48);
    expect(signals.longestMonologueWords).toBe(30); // 30 > 10 + 8
    expect(signals.longestMonologueSeconds).toBe(12);

    // The 10 + 8 stretch wins once it is longer; an untimed part leaves its seconds unknown.
    const longer = computeDeliverySignals([you('a b c', { durationMs: 1_000 }), coach('Go on.'), you(ten, { durationMs: 5_000 }), you(eight)]);
    expect(longer.longestMonologueWords).toBe(18);
    expect(longer.longestMonologueSeconds).toBeUndefined();
  });

  it(`needs ${MIN_PACE_SECONDS} s of timed speech before it shows a pace`, () => {
    expect(computeDeliverySignals([you('one two three four five six seven eight nine ten', { durationMs: 9_999 })]).paceWpm).toBeUndefined();
    // 10 words in 10 s = 60 wpm
    expect(computeDeliverySignals([you('one two three four five six seven eight nine ten', { durationMs: 10_000 })]).paceWpm).toBe(60);
  });

  it('an interrupted coach turn counts what was heard, for as long as it was heard; unfinished turns wait', () => {
    const signals = computeDeliverySignals([
      coach('Start with one pilot in', { status: 'interrupted', durationMs: 1_500 }), // 5 words heard in 1.5 s
      you('Wait, how much will that cost?', { durationMs: 2_500 }), // 6 words, 1 question
      coach('', { status: 'interrupted', durationMs: 200 }), // cut before a word was heard: not counted
      coach('It depends on the vendor and', { status: 'streaming' }), // still speaking
      you('and what about', { status: 'pending', source: 'voice' }), // still being heard
    ]);
    expect(signals).toMatchObject({ userWords: 6, userTurns: 1, talkRatio: 2_500 / 4_000, talkRatioBasis: 'time', questionsAsked: 1, longestMonologueWords: 6, longestMonologueSeconds: 3 });
    expect(signals.paceWpm).toBeUndefined(); // 2.5 s of timed speech
  });

  it('punctuation-free speech (browser recognition): questions from the opening words, "like" is not guessed', () => {
    const signals = computeDeliverySignals([
      coach('Tell me what worries you.', { durationMs: 2_000 }),
      you('what would the board expect from us', { durationMs: 3_000 }), // a question word
      you('can you give me an example', { durationMs: 2_000 }), // auxiliary + pronoun
      you('do the analysis first', { durationMs: 1_500 }), // imperative: not a question
      you('we need to move faster um like fast', { durationMs: 3_500 }), // "um" yes, a bare "like" no
    ]);
    expect(signals.questionsAsked).toBe(2);
    expect(signals.fillerCount).toBe(1);
    expect(signals.topFillers).toEqual([{ word: 'um', count: 1 }]);
    expect(signals.userWords).toBe(7 + 6 + 4 + 8); // 25
    expect(signals.paceWpm).toBe(150); // 25 words / (10 000 ms / 60 000)
  });
});

describe('the counting rules', () => {
  it('counts words by whitespace, ignoring bare punctuation and the inaudible placeholder', () => {
    expect(countWords('  The budget is 2.4 million — firm …  ')).toBe(6); // the, budget, is, 2.4, million, firm
    expect(countWords('(inaudible)')).toBe(0);
    expect(countWords('')).toBe(0);
  });

  it('counts fillers only where they cannot be meaning', () => {
    const text =
      "What kind of budget do we need? It's kind of big. Do you know the answer? As you know, the vendor, you know, is late. " +
      "I'd like, if possible, a delay. What I mean is simple. Umm, hmm. Uh, erm, it was, like, literally actually fine.";
    expect(Object.fromEntries(findFillers(text))).toEqual({
      'kind of': 1, // "it's kind of big", not "what kind of budget"
      'you know': 1, // ", you know,", not "Do you know the" nor "As you know,"
      um: 1, // "Umm" is reported as "um"
      hmm: 1,
      uh: 1,
      erm: 1,
      like: 1, // ", like,", not "I'd like,"
      literally: 1,
      actually: 1,
    });
    expect(findFillers('I mean it. The sort of thing we sort of need.').get('sort of')).toBe(1);
    expect(findFillers('I mean it.').size).toBe(0);
    expect(findFillers('Like, we have no choice.').get('like')).toBe(1);
    expect(findFillers('I’d like, you know, a date. You know, soon.').get('you know')).toBe(2); // curly apostrophe too
  });

  it('counts questions by sentence, or by the opening words when there is no punctuation at all', () => {
    expect(countQuestions('Why?? Really? OK.')).toBe(2);
    expect(countQuestions('Is it 2.5 million?')).toBe(1);
    expect(countQuestions('We decided. Done!')).toBe(0);
    expect(countQuestions('how do we know it works')).toBe(1);
    expect(countQuestions('is there a cheaper option')).toBe(1);
    expect(countQuestions('whose budget pays for this')).toBe(1);
    expect(countQuestions('the board wants numbers')).toBe(0);
    expect(countQuestions('how do we know it works.')).toBe(0); // punctuated without "?": a statement
  });
});

import { describe, expect, it } from 'vitest';
import { createSentenceSplitter } from '../../../../src/lib/voice-agent/fallback/sentence-splitter';
import { speakable } from '../../../../src/lib/voice-agent/fallback/speakable';

/** All sentences of `text`, fed in pieces of `size` characters (1 = character by character). */
function split(text: string, size = text.length, options?: Parameters<typeof createSentenceSplitter>[0]): string[] {
  const splitter = createSentenceSplitter(options);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)));
  return [...out, ...splitter.flush()];
}

describe('sentence splitter', () => {
  it('returns each sentence as soon as the next one has begun', () => {
    const splitter = createSentenceSplitter();
    expect(splitter.push('Start with the outcome you want. ')).toEqual([]); // is "want." followed by a sentence?
    expect(splitter.push('Then')).toEqual(['Start with the outcome you want.']);
    expect(splitter.push(' say why it matters to them!')).toEqual([]);
    expect(splitter.push(' Ready?')).toEqual(['Then say why it matters to them!']);
    expect(splitter.flush()).toEqual(['Ready?']);
  });

  it('does not split abbreviations, titles, initials, acronyms or decimals', () => {
    const text =
      'Dr. Smith met Mr. J. Jones at 3.5 p.m. in the U.S. office, e.g. the one in Boston, i.e. downtown. ' +
      'Growth was 12.75 percent vs. last year. Ask St. Clair about it.';
    expect(split(text)).toEqual([
      'Dr. Smith met Mr. J. Jones at 3.5 p.m. in the U.S. office, e.g. the one in Boston, i.e. downtown.',
      'Growth was 12.75 percent vs. last year.',
      'Ask St. Clair about it.',
    ]);
  });

  it('handles ?!, ellipses, closing quotes and brackets', () => {
    expect(split('Really?! That changes the plan. Well… maybe not entirely. Hmm... Let us see.')).toEqual([
      'Really?! That changes the plan.', // "Really?!" alone is too short to speak: merged with the next
      'Well… maybe not entirely.',
      'Hmm... Let us see.',
    ]);
    expect(split('She said, "Stop the meeting now." Then she left (quietly.) Everyone stayed seated.')).toEqual([
      'She said, "Stop the meeting now."',
      'Then she left (quietly.)',
      'Everyone stayed seated.',
    ]);
  });

  it('splits at line breaks and keeps list numbers with their item', () => {
    const text = 'Three steps to practise:\n1. Open with the decision you need.\n2. Give two options.\n\n3. Close with a date.';
    expect(split(text)).toEqual(['Three steps to practise:', '1. Open with the decision you need.', '2. Give two options.', '3. Close with a date.']);
  });

  it('merges very short sentences with the next, and flushes a short last one', () => {
    expect(split('Sure. Okay. Let us start with your opening line. Good.')).toEqual(['Sure. Okay. Let us start with your opening line.', 'Good.']);
  });

  it('gives the same sentences however the text is streamed', () => {
    const text =
      'Great question, and a common one. Most leaders over-prepare the slides (about 70 % of the time) and under-prepare ' +
      'the first 30 seconds… so start there! What is your opening line? Try it now, e.g. "We need a decision on Q3."\nThen pause.';
    const whole = split(text);
    expect(whole.length).toBeGreaterThan(3);
    for (const size of [1, 2, 3, 7, 13]) expect(split(text, size)).toEqual(whole);
  });

  it('cuts a sentence that never ends near the limit, at a clause break', () => {
    const clause = 'and then we talk about the budget, ';
    const sentences = split(clause.repeat(20), 5, { maxChars: 120 });
    expect(sentences.length).toBeGreaterThan(4);
    for (const s of sentences) expect(s.length).toBeLessThanOrEqual(120);
    expect(sentences[0]!.endsWith(',')).toBe(true);
    expect(sentences.join(' ')).toBe(clause.repeat(20).trim());
  });

  it('waits for a period that may be a decimal point', () => {
    const splitter = createSentenceSplitter();
    expect(splitter.push('The margin grew by 3.')).toEqual([]);
    expect(splitter.push('5 points this quarter. Next')).toEqual(['The margin grew by 3.5 points this quarter.']);
  });
});

describe('speakable', () => {
  it('reads markdown as plain words', () => {
    expect(speakable('**Tip:** keep it *short* and `clear`.')).toBe('Tip: keep it short and clear.');
    expect(speakable('- See [the guide](https://example.com/guide) for more.')).toBe('See the guide for more.');
    expect(speakable('## Next steps')).toBe('Next steps');
    expect(speakable('Details at https://example.com/x?y=1 today.')).toBe('Details at today.');
    expect(speakable('Use snake_case_names and _emphasis_ here.')).toBe('Use snake_case_names and emphasis here.');
    expect(speakable('https://example.com')).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { carryIn, chatMessages, cutAtWord, heardText, turnsAsText } from '../../../../src/lib/voice-agent/fallback/fallback-turns';
import type { TranscriptTurn } from '../../../../src/lib/voice-agent/realtime/transcript-state';

const turn = (itemId: string, role: TranscriptTurn['role'], text: string, status: TranscriptTurn['status'] = 'done'): TranscriptTurn => ({ itemId, role, text, status, source: 'voice' });

describe('chat messages', () => {
  it('sends finished turns with text, oldest first', () => {
    const turns = [
      turn('1', 'user', 'Hello'),
      turn('2', 'assistant', 'Hi, what shall we practise?'),
      turn('3', 'user', '', 'failed'),
      turn('4', 'assistant', 'Let me…', 'interrupted'),
      turn('5', 'user', 'Negotiation', 'done'),
      turn('6', 'assistant', '', 'pending'),
    ];
    expect(chatMessages(turns)).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi, what shall we practise?' },
      { role: 'assistant', content: 'Let me…' },
      { role: 'user', content: 'Negotiation' },
    ]);
  });

  it('keeps the most recent 40 messages within 48 KB, each at most 4000 characters', () => {
    const many = Array.from({ length: 60 }, (_, i) => turn(String(i), i % 2 ? 'assistant' : 'user', `message ${i}`));
    const capped = chatMessages(many);
    expect(capped).toHaveLength(40);
    expect(capped[39]!.content).toBe('message 59');

    const long = Array.from({ length: 20 }, (_, i) => turn(String(i), i % 2 ? 'assistant' : 'user', 'x'.repeat(5_000)));
    const clipped = chatMessages(long);
    expect(clipped.every((m) => m.content.length <= 4_000)).toBe(true);
    expect(new TextEncoder().encode(JSON.stringify({ messages: clipped })).length).toBeLessThanOrEqual(48_000);
    expect(clipped.length).toBe(11);
    expect(clipped.at(-1)).toEqual({ role: 'assistant', content: `${'x'.repeat(3_999)}…` });
  });
});

describe('what the user heard', () => {
  const sentences = ['First, set the scene.', 'Then state the decision you need from them today.', 'Finally, agree on a date.'];

  it('keeps whole sentences and the played share of the current one, cut on a word with "…"', () => {
    expect(heardText(sentences, { delivered: 1, partial: { index: 1, playedMs: 1_000, totalMs: 2_000 } })).toBe('First, set the scene. Then state the decision…');
    expect(heardText(sentences, { delivered: 2 })).toBe('First, set the scene. Then state the decision you need from them today.');
    expect(heardText(sentences, { delivered: 0, partial: { index: 0, playedMs: 0, totalMs: 1_500 } })).toBe('');
    // Nearly all of it: counts as heard.
    expect(heardText(sentences, { delivered: 2, partial: { index: 2, playedMs: 1_960, totalMs: 2_000 } })).toBe(sentences.join(' '));
  });

  it('cuts before an unfinished word and drops trailing punctuation', () => {
    expect(cutAtWord('First, set the scene.', 0.3)).toBe('First');
    expect(cutAtWord('Hello there', 0.2)).toBe('');
    expect(cutAtWord('Hello there', 1)).toBe('Hello there');
  });
});

describe('turns carried in and as text', () => {
  it('settles unfinished turns and prints the realtime format', () => {
    const turns = carryIn([turn('a', 'user', 'Hi'), turn('b', 'assistant', 'Hello, I am', 'streaming'), turn('c', 'user', '', 'pending'), turn('d', 'assistant', '', 'interrupted')]);
    expect(turns.map((t) => [t.itemId, t.status])).toEqual([
      ['a', 'done'],
      ['b', 'interrupted'],
      ['d', 'interrupted'],
    ]);
    expect(turnsAsText(turns)).toBe('You: Hi\nCoach: Hello, I am\nCoach: (interrupted)');
  });
});

/**
 * FallbackSession in a practice scenario session: the counterpart opens the conversation (an empty chat
 * request the server answers with the scenario's opening), but never over a conversation carried in from
 * live voice, and never without a scenario. The rig: fallback-session-rig.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setup, settle, started } from './fallback-session-rig';
import { credential, fakeTokens, ok } from './fallback-test-support';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('FallbackSession in a practice scenario', () => {
  it('in a practice scenario the counterpart opens: an empty chat request, spoken, with no latency sample', async () => {
    const scenario = { id: 'defend-ai-budget-to-the-cfo', title: 'Defend your AI budget to the CFO' };
    const s = setup({ tokens: fakeTokens({ acquire: () => credential(1, { scenario }) }) });
    await started(s);
    expect(s.chats).toHaveLength(1);
    expect(s.chats[0]!.messages).toEqual([]);
    expect(s.turns()).toEqual([['assistant', '', 'pending']]);
    await s.reply(s.chats[0]!, 'You asked for two point four million. ', 'Start with payback.');
    await settle(3_000);
    expect(s.turns()).toEqual([['assistant', 'You asked for two point four million. Start with payback.', 'done']]);
    expect(s.spoken).toEqual(['You asked for two point four million.', 'Start with payback.']);
    // Nobody was waiting on a turn of theirs: the opening is not a response latency.
    expect(s.snap().medianLatencyMs).toBeUndefined();
    expect(s.marks).not.toContain('coach:first-audio');

    // The user's answer then goes out with the opening before it.
    s.transcripts.push(ok({ text: 'It pays back in fourteen months.' }));
    await s.say();
    expect(s.chats[1]!.messages).toEqual([
      { role: 'assistant', content: 'You asked for two point four million. Start with payback.' },
      { role: 'user', content: 'It pays back in fourteen months.' },
    ]);
  });

  it('does not open again over a conversation carried in from live voice, nor without a scenario', async () => {
    const scenario = { id: 'defend-ai-budget-to-the-cfo', title: 'Defend your AI budget to the CFO' };
    const carried = setup({ tokens: fakeTokens({ acquire: () => credential(1, { scenario }) }) });
    await started(carried, { turns: [{ itemId: 'a1', role: 'assistant', text: 'Convince me.', status: 'done', source: 'voice' }] });
    expect(carried.chats).toHaveLength(0);

    const free = setup();
    await started(free);
    expect(free.chats).toHaveLength(0);
  });
});

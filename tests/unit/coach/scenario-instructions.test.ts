/**
 * The instructions the coach gets for a scenario: COACH_INSTRUCTIONS plus a role-play block (or a coaching
 * focus); never the rubric. Free coaching is exactly COACH_INSTRUCTIONS, as before scenarios existed.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FALLBACK_ADDENDUM, FALLBACK_CHAT_INSTRUCTIONS, fallbackChatInstructions } from '../../../src/server/coach/coach-chat';
import { COACH_INSTRUCTIONS, coachRealtimeSession } from '../../../src/server/coach/coach-session';
import { loadScenarioCatalogue } from '../../../src/server/coach/scenario-catalogue';
import { coachInstructions, scenarioBlock } from '../../../src/server/coach/scenario-instructions';

const catalogue = loadScenarioCatalogue(fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url)));
const board = catalogue.get('fixture-board-pitch')!;
const coaching = catalogue.get('fixture-open-coaching')!;

/** Every piece of rubric text a scenario holds. */
const rubricTexts = (s: typeof board) => s.rubric.flatMap((c) => [c.criterion, c.good, c.poor]);

describe('scenario instructions', () => {
  it('free coaching is the coach instructions alone (realtime and fallback unchanged)', () => {
    expect(coachInstructions()).toBe(COACH_INSTRUCTIONS);
    expect(fallbackChatInstructions()).toBe(FALLBACK_CHAT_INSTRUCTIONS);
    expect(coachRealtimeSession({ model: 'm', voice: 'marin' }).instructions).toBe(COACH_INSTRUCTIONS);
  });

  it('a role-play adds who the coach plays, persona, setting, objective, the pushbacks in order and the opening line', () => {
    const text = coachInstructions(board);
    expect(text.startsWith(`${COACH_INSTRUCTIONS}\n\n`)).toBe(true);
    expect(text).toContain(`You play: ${board.counterpart.role}.`);
    expect(text).toContain(board.counterpart.persona);
    expect(text).toContain(board.setting);
    expect(text).toContain(board.objective);
    expect(text).toContain(`"${board.openingLine}"`);
    const at = board.pushbacks.map((p, i) => text.indexOf(`${i + 1}. ${p}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at); // in order
    expect(text).toMatch(/Stay in role/);
    expect(text).toMatch(/feedback only when the user asks/);
    expect(text).toMatch(/Keep replies short/);
  });

  it('a coaching scenario adds its coaching focus, not a role-play', () => {
    const block = scenarioBlock(coaching);
    expect(block).toContain('Coaching focus for this session');
    expect(block).toContain('not a role-play');
    expect(block).not.toContain('You play:');
    expect(block).toContain(coaching.counterpart.persona);
    expect(block).toContain(coaching.objective);
    expect(block).toContain(`"${coaching.openingLine}"`);
  });

  it('never gives the coach the rubric', () => {
    for (const scenario of [board, coaching]) {
      for (const text of [coachInstructions(scenario), fallbackChatInstructions(scenario)]) {
        expect(text).not.toMatch(/RUBRIC-MARKER/);
        for (const piece of rubricTexts(scenario)) expect(text).not.toContain(piece);
        expect(text).not.toMatch(/rubric|weight/i);
      }
    }
  });

  it('fallback chat: the same composed instructions plus the read-aloud addendum; realtime takes them as given', () => {
    expect(fallbackChatInstructions(board)).toBe(`${coachInstructions(board)}\n\n${FALLBACK_ADDENDUM}`);
    const session = coachRealtimeSession({ model: 'm', voice: 'marin', instructions: coachInstructions(board) });
    expect(session.instructions).toBe(coachInstructions(board));
    expect(session.tools).toEqual([expect.objectContaining({ name: 'web_search' })]);
  });
});

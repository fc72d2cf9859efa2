/**
 * Demo mode rehearses the scenario the user chose: it opens in role with the scenario's own first line, raises
 * the scenario's pushbacks in order (as spoken questions), steps out for feedback on request, and closes with
 * feedback; a coaching scenario opens with its own first line; without a scenario nothing changes. Every
 * scenario in the library reads well as a demo role.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDemoCoach, type DemoAction } from '../../../../src/lib/voice-agent/demo/demo-coach';
import { pushbackLine, scenarioRole, type DemoScenarioBrief } from '../../../../src/lib/voice-agent/demo/script/scenario-role';
import { LINES } from '../../../../src/lib/voice-agent/demo/script/conversation-lines';

const said = (actions: DemoAction[]) => actions.flatMap((a) => (a.kind === 'say' ? [a.text] : [])).join(' ');

const CFO: DemoScenarioBrief = {
  id: 'defend-ai-budget-to-the-cfo',
  title: 'Defend your AI budget to the CFO',
  kind: 'roleplay',
  counterpartRole: 'Chief financial officer',
  openingLine: 'You’ve asked for two point four million. Convince me, and start with payback, not potential.',
  pushbacks: [
    'Payback: when does it pay back, on which assumptions, and what happens if adoption stalls at 20%?',
    'Hidden costs: usage-based model charges, integration, evaluation and support.',
    'Timing: why not wait a year for prices to fall?',
  ],
};

describe('a scenario pushback said in role', () => {
  it('asks a question as written after its label, and turns a statement into a question', () => {
    expect(pushbackLine(CFO.pushbacks[0]!)).toBe('When does it pay back, on which assumptions, and what happens if adoption stalls at 20%?');
    expect(pushbackLine(CFO.pushbacks[1]!)).toBe('What about hidden costs: usage-based model charges, integration, evaluation and support?');
    expect(pushbackLine('The board wants a single owner for AI risk.')).toBe('What about the board wants a single owner for AI risk?');
  });
});

describe('the demo coach in a scenario', () => {
  it('opens in role, raises the pushbacks in order, steps out for feedback and can resume', () => {
    const coach = createDemoCoach({ seed: 3, scenario: CFO });
    const opening = said(coach.opening());
    expect(opening).toContain('Defend your AI budget to the CFO');
    expect(opening).toContain('a chief financial officer');
    expect(opening.endsWith(CFO.openingLine)).toBe(true);

    const first = said(coach.reply('It pays back in fourteen months on 60 percent adoption, with £1.1 million of contractor costs falling out by Q3.'));
    expect(first).toBe(pushbackLine(CFO.pushbacks[0]!));
    const second = said(coach.reply('At 20 percent adoption payback moves to 30 months, so we gate the second tranche on usage above 50 percent by month four.'));
    expect(second).toBe(pushbackLine(CFO.pushbacks[1]!));

    const feedback = said(coach.reply('feedback please'));
    expect(feedback).not.toBe(pushbackLine(CFO.pushbacks[2]!));
    expect(coach.state().rehearsal?.inRole).toBe(false);
    expect(said(coach.reply('resume'))).toContain(pushbackLine(CFO.pushbacks[2]!));
    expect(coach.state().rehearsal?.custom?.id).toBe('scenario');
  });

  it('ends the rehearsal with the closer and feedback once every pushback was answered', () => {
    const coach = createDemoCoach({ seed: 5, scenario: CFO });
    coach.opening();
    const answers = [
      'Fourteen months payback on 60 percent adoption, and £1.1 million of contractor spend falls out by the third quarter.',
      'Usage charges are capped at £20,000 a month and integration is £350,000, already in the plan with support.',
      'Waiting a year costs us £900,000 in savings and the vendors we shortlisted are already mature enough.',
      'Agreed: I will bring the baseline signed off by your team and the tranche gates to the March review.',
    ];
    let last = '';
    for (const a of answers) last = said(coach.reply(a));
    expect(last).toContain(scenarioRole(CFO).closer);
    expect(coach.state().rehearsal?.inRole).toBe(false);
  });

  it('a coaching scenario opens with its own first line; no scenario keeps the usual opening', () => {
    const coaching = createDemoCoach({ seed: 1, scenario: { ...CFO, kind: 'coaching', openingLine: 'What would you like to work on today?' } });
    expect(said(coaching.opening())).toBe('What would you like to work on today?');
    expect(LINES.opening).toContain(said(createDemoCoach({ seed: 1 }).opening()));
  });

  it('every scenario in the library makes a demo role whose lines are questions', () => {
    const dir = new URL('../../../../src/content/scenarios/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      const front = parse(readFileSync(new URL(file, dir), 'utf8').split(/^---$/m)[1]!) as Record<string, any>;
      const role = scenarioRole({ id: file, title: front.title, kind: front.kind, counterpartRole: front.counterpart.role, openingLine: front.openingLine, pushbacks: front.pushbacks });
      expect(role.pushbacks.length, file).toBe(front.pushbacks.length);
      for (const line of role.pushbacks) expect(line.endsWith('?'), `${file}: ${line}`).toBe(true);
      expect(role.name, file).toMatch(/^an? [a-z]/);
    }
  });
});

describe('the previous session, given with consent', () => {
  it('is said before the scenario opening', () => {
    const recap = 'Previous session (24 Nov 2026): overall 58/100. Weakest: Payback and unit economics (2/5).';
    const opening = said(createDemoCoach({ seed: 3, scenario: CFO, recap }).opening());
    expect(opening.startsWith(`Picking up from last time. ${recap}`)).toBe(true);
    expect(opening.endsWith(CFO.openingLine)).toBe(true);
    expect(said(createDemoCoach({ seed: 3, scenario: CFO }).opening())).not.toContain('last time');
  });
});

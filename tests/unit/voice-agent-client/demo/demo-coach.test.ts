/**
 * The scripted demo coach on its own (pure, no session): topics recognised from free text, stages that
 * advance instead of repeating, rehearsals in role with feedback out of role, factual questions sent to
 * the library and answered from it, the small talk around it, the goodbye summary, and determinism.
 */
import { describe, expect, it } from 'vitest';
import { createDemoCoach, type DemoAction, type DemoCoach } from '../../../../src/lib/voice-agent/demo/demo-coach';
import { classify } from '../../../../src/lib/voice-agent/demo/demo-intent';
import { splitSentences } from '../../../../src/lib/voice-agent/demo/demo-text';
import { rankTopics, TOPICS } from '../../../../src/lib/voice-agent/demo/script/topics';
import { normalise } from '../../../../src/lib/voice-agent/demo/demo-text';
import { REHEARSAL_ROLES } from '../../../../src/lib/voice-agent/demo/script/rehearsal-roles';
import type { SearchResponse } from '../../../../src/lib/voice-agent/types/api';

const said = (actions: DemoAction[]): string =>
  actions.flatMap((a) => (a.kind === 'say' ? [a.text] : [])).join(' ');

function talk(coach: DemoCoach, lines: string[]): string[] {
  return lines.map((line) => said(coach.reply(line)));
}

const LIBRARY_ANSWER: SearchResponse = {
  answer:
    "From the platform's library: For high-risk AI the EU AI Act requires a risk management system, data governance, technical documentation, logging and human oversight. Conformity assessment and registration follow. Deployers have duties too.",
  citations: [{ title: 'The EU AI Act: high-risk systems', url: '/library/eu-ai-act-high-risk-systems' }],
  provider: 'knowledge',
  cached: false,
  stale: false,
};

describe('demo coach: the script itself', () => {
  it('every topic and role line is short spoken text that ends with one question', () => {
    for (const topic of TOPICS) {
      const lines = [...topic.diagnose, ...topic.advise, ...topic.challenge, ...(topic.insights ?? []).map((i) => i.line)];
      for (const line of lines) {
        const sentences = splitSentences(line);
        expect(line.trim().endsWith('?'), line).toBe(true);
        expect(sentences.length, line).toBeGreaterThanOrEqual(2);
        expect(sentences.length, line).toBeLessThanOrEqual(5);
        expect(sentences.filter((s) => s.endsWith('?')).length, line).toBeLessThanOrEqual(2);
      }
      expect(topic.applyQuestion.endsWith('?')).toBe(true);
    }
    for (const role of REHEARSAL_ROLES) {
      for (const line of [role.opener, ...role.pushbacks, role.onVague, role.onHedge]) expect(line.endsWith('?'), line).toBe(true);
    }
  });

  it('recognises the practice topics from free text', () => {
    const top = (text: string) => rankTopics(normalise(text))[0]?.id;
    expect(top('We need an AI strategy and a roadmap for the next three years')).toBe('strategy');
    expect(top("What's the ROI? The CFO wants a business case with payback")).toBe('business-case');
    expect(top('How do we set up an AI council and risk tiering?')).toBe('governance');
    expect(top('Does the EU AI Act apply to our credit scoring?')).toBe('regulation');
    expect(top('Our data is in silos and data quality is poor')).toBe('data');
    expect(top('Should we build or buy our own model?')).toBe('build-buy');
    expect(top('Staff fear job losses and the works council is nervous')).toBe('change');
    expect(top('We need to upskill managers and improve AI literacy')).toBe('talent');
    expect(top('What should go in my board report on AI?')).toBe('board-reporting');
    expect(top('We are negotiating the contract with a vendor')).toBe('vendors');
    expect(top('I worry about prompt injection and data leakage')).toBe('security');
    expect(top('Which KPIs and metrics should we track?')).toBe('measurement');
    expect(top('Our pilots never reach production')).toBe('pilot-production');
    expect(top('How do we avoid bias and stay fair and ethical?')).toBe('responsible-ai');
  });
});

describe('demo coach: conversations', () => {
  it('advances through diagnose, advise, challenge and summary without repeating itself', () => {
    const coach = createDemoCoach({ seed: 3 });
    const opening = said(coach.opening());
    expect(opening.endsWith('?')).toBe(true);
    const replies = talk(coach, [
      "I'm the CFO of a mid-sized insurer and I need a business case for AI in claims",
      'Claims handling, it costs us about 40 million a year',
      'Integration and run costs, nobody has priced them',
      'We would stop if accuracy stays below 90 percent after three months, and I decide',
    ]);
    expect(new Set(replies).size).toBe(replies.length);
    for (const reply of replies) expect(reply.endsWith('?'), reply).toBe(true);
    expect(replies[0]).toMatch(/CFO at an insurer/);
    expect(coach.state().stages['business-case']).toBe(4);
    expect(replies[3]).toMatch(/Let me pull that together\. On the business case:/);
    expect(replies[3]).toMatch(/sceptical CFO/);
  });

  it('works through several topics, keeping each one where it was', () => {
    const coach = createDemoCoach({ seed: 11 });
    coach.opening();
    const replies = talk(coach, [
      'Our pilots never reach production',
      'About thirty pilots, two in production',
      "Actually, let's talk about governance instead",
      'Nobody really; IT approves tools case by case and it takes months',
      'Back to the pilots: what about getting them to production?',
    ]);
    expect(coach.state().covered).toEqual(['pilot-production', 'governance']);
    expect(replies[2]).toMatch(/AI governance/);
    expect(replies[4]).toMatch(/^(Back to|Let's go back to) getting from pilot to production/);
    expect(coach.state().stages['pilot-production']).toBe(3);
    for (const reply of replies) expect(reply.endsWith('?'), reply).toBe(true);
  });

  it('does not jump topics on a passing mention', () => {
    const coach = createDemoCoach({ seed: 1 });
    coach.opening();
    talk(coach, ['Help me with the business case for AI in customer service']);
    talk(coach, ['Adoption is the risk, maybe half the agents will use it']);
    expect(coach.state().topic).toBe('business-case');
    expect(coach.state().stages['business-case']).toBe(2);
  });

  it('answers what the user said with a specific insight when one fits', () => {
    const coach = createDemoCoach({ seed: 5 });
    coach.opening();
    talk(coach, ['We need a business case for AI in finance']);
    const [reply] = talk(coach, ['It saves each analyst five hours a week']);
    expect(reply).toMatch(/what happens to those hours/);
  });

  it('runs a rehearsal in role, pushes back, and steps out for feedback when asked', () => {
    const coach = createDemoCoach({ seed: 2 });
    coach.opening();
    const [setup] = talk(coach, ['Can you play a sceptical CFO? I need to practise my budget defence']);
    expect(setup).toMatch(/sceptical CFO/);
    expect(setup).toMatch(/Say 'feedback'/);
    expect(setup.endsWith('?')).toBe(true);
    expect(coach.state().rehearsal?.inRole).toBe(true);

    const inRole = talk(coach, [
      'We want two million to automate invoice matching',
      'Hopefully it will make the team much faster',
      'It removes three contractor roles, about 400 thousand a year',
    ]);
    for (const line of inRole) expect(line.endsWith('?'), line).toBe(true);
    expect(inRole[1]).toMatch(/expect' or you know/); // the hedge is called out
    expect(new Set(inRole).size).toBe(3);

    const [feedback] = talk(coach, ['how did I do?']);
    expect(coach.state().rehearsal?.inRole).toBe(false);
    expect(feedback).toMatch(/^(Stepping out of role|Let's step out)/);
    expect(feedback).toMatch(/numbers on the table/);
    expect(feedback).toMatch(/hedged/);
    expect(feedback.endsWith('?')).toBe(true);

    const [again] = talk(coach, ['go again']);
    expect(again).toMatch(/From the top/);
    expect(coach.state().rehearsal?.inRole).toBe(true);
  });

  it('ends a rehearsal when the objections run out, with feedback', () => {
    const coach = createDemoCoach({ seed: 9 });
    coach.opening();
    talk(coach, ['mock press interview please']);
    const answers = Array.from({ length: 8 }, (_, i) => `Answer number ${i}: we test every system before launch and a named executive is accountable for it`);
    const replies = talk(coach, answers);
    const closing = replies.find((r) => r.includes('I have what I need'));
    expect(closing).toBeDefined();
    expect(closing).toMatch(/step out|Stepping out/);
    expect(coach.state().rehearsal?.inRole).toBe(false);
  });

  it('sends factual questions to the library and answers from it, saying so', () => {
    const coach = createDemoCoach({ seed: 4 });
    coach.opening();
    const actions = coach.reply('What does the EU AI Act require for high-risk systems?');
    expect(actions.map((a) => a.kind)).toEqual(['say', 'search']);
    expect(actions[1]).toEqual({ kind: 'search', query: 'What does the EU AI Act require for high-risk systems' });
    const answer = said(coach.afterSearch(LIBRARY_ANSWER));
    expect(answer).toMatch(/^From the platform's library: For high-risk AI/);
    expect(answer).not.toMatch(/library: From the platform's library/);
    expect(answer).toMatch(/The full briefing, 'The EU AI Act: high-risk systems'/);
    expect(answer.endsWith('?')).toBe(true);
    expect(coach.state().topic).toBe('regulation');
    // The conversation continues on that topic from there.
    const [next] = talk(coach, ['We are mostly a deployer of vendor systems']);
    expect(next.endsWith('?')).toBe(true);
    expect(coach.state().stages.regulation).toBe(2);
  });

  it('says so when the library has nothing or the search failed, without inventing facts', () => {
    const coach = createDemoCoach({ seed: 4 });
    coach.opening();
    coach.reply('When does the Colorado AI Act apply?');
    const empty = said(coach.afterSearch({ answer: "The platform's library has nothing on that yet.", citations: [], provider: 'knowledge', cached: false, stale: false }));
    expect(empty).toMatch(/library has nothing on that/);
    coach.reply('What are the prohibited practices under the EU AI Act?');
    const failed = said(coach.afterSearchFailed());
    expect(failed).toMatch(/couldn't look that up/);
    expect(failed.endsWith('?')).toBe(true);
  });

  it('tells coaching questions from factual ones', () => {
    expect(classify('What does the EU AI Act require for high-risk systems?').kind).toBe('fact');
    expect(classify('When do the GPAI obligations apply?').kind).toBe('fact');
    expect(classify('What is the NIST AI RMF?').kind).toBe('fact');
    expect(classify('What should we do about our business case?').kind).toBe('answer');
    expect(classify('How do I get the board on side?').kind).not.toBe('fact');
    expect(classify('How many pilots do we have? About 30.').kind).toBe('answer');
  });

  it('handles greetings, thanks, "I don\'t know", one-word answers and off-topic turns', () => {
    const coach = createDemoCoach({ seed: 6 });
    coach.opening();
    const [hello] = talk(coach, ['Hello']);
    expect(hello).toMatch(/^(Hello|Hi)\b/);
    const [weather] = talk(coach, ['Lovely weather today, isn\'t it']);
    expect(weather).toMatch(/outside what I can coach on|someone better qualified/);
    expect(weather.endsWith('?')).toBe(true);
    talk(coach, ['We need an AI strategy']);
    const [dunno] = talk(coach, ["I don't know"]);
    expect(dunno).toMatch(/best guess\?$/);
    const [dunnoAgain] = talk(coach, ['no idea']);
    expect(coach.state().stages.strategy).toBe(2); // a second "I don't know" moves on with advice
    expect(dunnoAgain).not.toBe(dunno);
    const [short] = talk(coach, ['hmm']);
    expect(short).toMatch(/more/);
    const [thanks] = talk(coach, ['thanks']);
    expect(thanks).toMatch(/^(You're welcome|Glad it helps)/);
    expect(thanks.endsWith('?')).toBe(true);
  });

  it('says goodbye with a crisp summary and one next step', () => {
    const coach = createDemoCoach({ seed: 8 });
    coach.opening();
    talk(coach, ['Our pilots never reach production', 'About thirty pilots, two live', 'No criteria at all, honestly']);
    talk(coach, ['play a sceptical board member']);
    talk(coach, ['We ask for one million to scale two pilots']);
    const [bye] = talk(coach, ['Thanks, that is all for today, goodbye']);
    expect(bye).toMatch(/^Good session\. We covered getting from pilot to production\./);
    expect(bye).toMatch(/Your next step: write scale-or-stop criteria/);
    expect(bye).toMatch(/rehearsed your board pitch/);
    expect(bye.endsWith('?')).toBe(false);
    expect(splitSentences(bye).length).toBeLessThanOrEqual(6);
    const [emptyBye] = talk(createDemoCoach(), ['bye']);
    expect(emptyBye).toMatch(/bring one real AI decision/);
  });

  it('is deterministic for a seed, and varies between seeds', () => {
    const script = ['We need an AI strategy', 'Faster claims and better pricing', 'The COO', 'No facial recognition', 'yes'];
    const run = (seed: number) => {
      const coach = createDemoCoach({ seed });
      return [said(coach.opening()), ...talk(coach, script)];
    };
    expect(run(42)).toEqual(run(42));
    const variants = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run(seed).join('|')));
    expect(variants.size).toBeGreaterThan(1);
  });
});

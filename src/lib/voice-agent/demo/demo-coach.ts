/**
 * The scripted coach of demo mode: deterministic for a given seed, no network, no timers. It keeps the
 * conversation's context (the current topic and how far into it, the topics covered, what the user said
 * about their role and organisation, a rehearsal in progress, the question it last asked) and answers
 * each user turn with actions for the session: lines to say, and library searches whose results it then
 * phrases (`afterSearch`). The words are data (./script/); this file only decides which line comes next.
 *
 * A topic advances diagnose → advise → challenge → summarise, one stage per answer, so the coach moves
 * the conversation on instead of repeating itself; the summary offers a rehearsal or the next topic.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { CoachState, DemoAction, DemoCoach, Offer, ReplyContext, Stage } from './demo-coach-types';
import { createChooser } from './demo-choice';
import { classify, roleFor, type Intent } from './demo-intent';
import { describe, orgPhrase, updateProfile } from './demo-profile';
import { counterpartReply, feedback, roleOf, startRehearsal } from './demo-rehearsal';
import { goodbyeText, isEmptyAnswer, searchAnswerText } from './demo-phrasing';
import { fill, hasAny, normalise, splitSentences } from './demo-text';
import { DONT_KNOW_HINTS, LINES } from './script/conversation-lines';
import { roleById, type RehearsalRole } from './script/rehearsal-roles';
import { scenarioOpening, scenarioRole, type DemoScenarioBrief } from './script/scenario-role';
import type { DemoTopic, RoleId, TopicId } from './script/topic-types';
import { rankTopics, topicById } from './script/topics';

export type { CoachState, DemoAction, DemoCoach, ReplyContext } from './demo-coach-types';

/** Words that say "a different subject now", so a weaker topic signal is enough to switch. */
const EXPLICIT_SWITCH =
  /\b(let'?s (talk|discuss|look at|focus on)|what about|how about|switch to|move on to|turn to|talk about|focus on|i want to (talk|discuss)|i'?d like to (talk|discuss)|question about|help with|help me with|actually|rather|instead|more (worried|concerned|interested) about|different question|another question|separate question)\b/;
/**
 * Without such words an answer mentions other topics in passing ("adoption is the risk" while building a
 * business case): only a strong signal moves the conversation.
 */
const STRONG_SWITCH = 7;
const MOVE_WORDS = ['move*', 'second', 'next', 'latter', 'other', 'instead'];
const REHEARSE_WORDS = ['test*', 'pressure', 'rehears*', 'practi*', 'role*', 'first', 'former', 'play*'];

/**
 * `scenario`: the practice scenario the session is for. A role-play opens in role as its counterpart and
 * rehearses its pushbacks; a coaching scenario opens with its own first line; then the coach works as usual.
 * `recap`: the summary of the user's previous session in it (given with their consent), said first.
 */
export function createDemoCoach(options: { seed?: number; scenario?: DemoScenarioBrief; recap?: string } = {}): DemoCoach {
  const choose = createChooser(options.seed ?? 1);
  const scenario = options.scenario;
  const counterpart = scenario?.kind === 'roleplay' ? scenarioRole(scenario) : undefined;
  let s: CoachState = { stages: {}, covered: [], profile: {}, profileNoted: false, rehearsed: [], usedInsights: [], stalls: 0 };

  const org = () => orgPhrase(s.profile);
  const line = (template: string, values: Record<string, string> = {}) => fill(template, { org: org(), ...values });
  const question = () => s.lastQuestion ?? LINES.openQuestion;
  const stage = (id: TopicId): Stage => s.stages[id] ?? 0;

  function say(...parts: string[]): DemoAction[] {
    const text = parts.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    s.lastLine = text;
    const asked = splitSentences(text).filter((x) => x.endsWith('?')).at(-1);
    if (asked) s.lastQuestion = asked;
    return [{ kind: 'say', text }];
  }

  function setStage(id: TopicId, value: Stage): void {
    s.stages = { ...s.stages, [id]: value };
    if (!s.covered.includes(id)) s.covered = [...s.covered, id];
  }

  /** The next line on a topic: the stage machine. `prefix` goes first (a topic change, a profile note). */
  function advance(topic: DemoTopic, answer: string, prefix = ''): DemoAction[] {
    s.topic = topic.id;
    s.stalls = 0;
    s.offer = undefined;
    switch (stage(topic.id)) {
      case 0:
        setStage(topic.id, 1);
        return say(prefix, line(choose.pick(topic.diagnose)));
      case 1: {
        setStage(topic.id, 2);
        const insight = topic.insights?.find((i) => !s.usedInsights.includes(i.line) && hasAny(answer, i.when));
        if (insight) s.usedInsights = [...s.usedInsights, insight.line];
        return say(prefix, line(insight?.line ?? choose.pick(topic.advise)));
      }
      case 2:
        setStage(topic.id, 3);
        return say(prefix, line(choose.pick(topic.challenge)));
      case 3:
        setStage(topic.id, 4);
        return summarise(topic, prefix, LINES.summarise);
      default:
        return summarise(topic, prefix, choose.pick(LINES.topicDone));
    }
  }

  function summarise(topic: DemoTopic, prefix: string, template: string): DemoAction[] {
    const related = topic.related.find((id) => stage(id) === 0) ?? topic.related.find((id) => stage(id) < 4);
    s.offer = { kind: 'rehearse-or-move', role: topic.rehearsal, related };
    const values = { label: topic.label, takeaway: topic.takeaway, nextStep: topic.nextStep, role: roleById(topic.rehearsal).name };
    const text = line(template, { ...values, related: related ? topicById(related).label : 'another topic' });
    return say(prefix, text);
  }

  function enter(id: TopicId, answer: string, prefix = ''): DemoAction[] {
    const returning = stage(id) > 0;
    const label = topicById(id).label;
    const intro = s.topic === id ? '' : line(choose.pick(returning ? LINES.topicReturn : LINES.topicSwitch), { label });
    // The diagnose line frames the topic itself; a bare switch line before it would say the topic twice.
    return advance(topicById(id), answer, [prefix, returning || s.topic ? intro : ''].filter(Boolean).join(' '));
  }

  function rehearse(role: RoleId | RehearsalRole, prefix = '', again = false): DemoAction[] {
    const started = startRehearsal(role, again);
    s.rehearsal = started.rehearsal;
    s.offer = undefined;
    if (typeof role === 'string' && !s.rehearsed.includes(role)) s.rehearsed = [...s.rehearsed, role];
    return say(prefix, typeof role === 'string' || again ? started.line : scenarioOpening(role));
  }

  /** The rehearsal's own role again (the scenario's counterpart stays the scenario's). */
  const sameRole = (r: NonNullable<CoachState['rehearsal']>): RoleId | RehearsalRole => r.custom ?? (r.role as RoleId);

  function stepOut(): DemoAction[] {
    const r = s.rehearsal!;
    s.rehearsal = { ...r, inRole: false };
    s.offer = { kind: 'again-or-back' };
    return say(feedback(r, choose.pick(LINES.feedback.intro)));
  }

  function inRole(n: string, intent: Intent): DemoAction[] {
    const r = s.rehearsal!;
    const next = counterpartReply(r, n, intent.kind === 'dontKnow' || intent.kind === 'short');
    s.rehearsal = next.rehearsal;
    if (!next.finished) return say(next.line);
    s.offer = { kind: 'again-or-back' };
    return say(next.line, feedback(next.rehearsal, choose.pick(LINES.feedback.intro)));
  }

  function goodbye(): DemoAction[] {
    s.offer = undefined;
    if (s.rehearsal) s.rehearsal = { ...s.rehearsal, inRole: false };
    return say(goodbyeText(s.covered.map((id) => ({ topic: topicById(id), stage: stage(id) })), s.rehearsed));
  }

  /** The user's answer to an offer the coach made; undefined when it was not an answer to it. */
  function answerOffer(offer: Offer, intent: Intent, n: string): DemoAction[] | undefined {
    if (offer.kind === 'choose-role') {
      s.offer = undefined;
      const role = roleFor(n) ?? (intent.kind === 'yes' || intent.kind === 'rehearse' ? (s.topic ? topicById(s.topic).rehearsal : 'board') : undefined);
      return role ? rehearse(role) : undefined;
    }
    if (offer.kind === 'again-or-back') {
      const r = s.rehearsal!;
      if (intent.kind === 'again' || intent.kind === 'yes' || intent.kind === 'rehearse') return rehearse(sameRole(r), choose.pick(LINES.rehearsalRestart), true);
      if (intent.kind === 'resume' && r.round < roleOf(r).pushbacks.length) {
        s.offer = undefined;
        s.rehearsal = { ...r, inRole: true };
        return say(choose.pick(LINES.rehearsalResume), roleOf(r).pushbacks[r.round]!);
      }
      s.offer = undefined;
      if (intent.kind === 'no' || intent.kind === 'stepOut' || /\b(coach\w*|back)\b/.test(n)) {
        return s.topic && stage(s.topic) < 4 ? advance(topicById(s.topic), n) : say(choose.pick(LINES.declined));
      }
      return undefined;
    }
    const mentioned = rankTopics(n)[0];
    if (intent.kind === 'rehearse' || intent.kind === 'again' || intent.kind === 'yes' || hasAny(n, REHEARSE_WORDS)) {
      return rehearse(intent.kind === 'rehearse' && intent.role ? intent.role : offer.role);
    }
    if (mentioned && mentioned.id !== s.topic) return enter(mentioned.id, n);
    if (intent.kind === 'moveOn' || hasAny(n, MOVE_WORDS)) return offer.related ? enter(offer.related, n) : say(choose.pick(LINES.declined));
    s.offer = undefined;
    if (intent.kind === 'no') return say(choose.pick(LINES.declined));
    return undefined;
  }

  function stalled(lineOptions: readonly string[], values: Record<string, string> = {}): DemoAction[] {
    s.stalls += 1;
    return say(line(choose.pick(lineOptions), { question: question(), ...values }));
  }

  /** An answer (or anything not handled otherwise): stay on the topic, switch, or find one. */
  function answer(n: string, prefix: string): DemoAction[] {
    const ranked = rankTopics(n);
    const best = ranked[0];
    const current = s.topic;
    if (!current) {
      if (best) return enter(best.id, n, prefix);
      // Twice without a topic: start with strategy rather than ask a third time.
      if (s.stalls >= 2) return enter('strategy', n, prefix);
      return stalled(LINES.noTopic);
    }
    const currentScore = ranked.find((r) => r.id === current)?.score ?? 0;
    const settled = best !== undefined && stage(best.id) === 4;
    if (best && best.id !== current && ((best.score >= STRONG_SWITCH && best.score > currentScore && !settled) || (EXPLICIT_SWITCH.test(n) && best.score >= 2))) {
      return enter(best.id, n, prefix);
    }
    return advance(topicById(current), n, prefix);
  }

  function respond(text: string, context: ReplyContext): DemoAction[] {
    const n = normalise(text);
    const intent = classify(text);
    const before = s.profile;
    s.profile = updateProfile(s.profile, n);
    const known = describe(s.profile);
    const note = s.profile !== before && !s.profileNoted && known ? line(choose.pick(LINES.profileNoted), { profile: known }) : '';
    if (note) s.profileNoted = true;

    if (intent.kind === 'empty') return [];
    if (intent.kind === 'goodbye') return goodbye();
    if (s.rehearsal?.inRole) {
      if (intent.kind === 'stepOut') return stepOut();
      return inRole(n, intent);
    }
    if (s.offer) {
      const handled = answerOffer(s.offer, intent, n);
      if (handled) return handled;
    }
    switch (intent.kind) {
      case 'rehearse':
        if (intent.role) return rehearse(intent.role, note);
        s.offer = { kind: 'choose-role' };
        return say(note, choose.pick(LINES.chooseRole));
      case 'stepOut':
        s.offer = { kind: 'choose-role' };
        return say(choose.pick(LINES.stepOutIdle));
      case 'again':
      case 'resume':
        return s.rehearsal ? rehearse(sameRole(s.rehearsal), choose.pick(LINES.rehearsalRestart), true) : answer(n, note);
      case 'hold':
        return say(context.interrupted ? 'Of course, go ahead. What were you going to say?' : `Take your time. ${question()}`);
      case 'thanks':
        return say(line(choose.pick(LINES.thanks), { question: question() }));
      case 'greeting':
        if (s.topic) return say(line(choose.pick(LINES.greetingMidway), { label: topicById(s.topic).label, question: question() }));
        return say(choose.pick(LINES.greeting));
      case 'help':
        return say(choose.pick(LINES.help));
      case 'repeat':
        return s.lastLine ? say(s.lastLine) : say(choose.pick(LINES.repeatNothing));
      case 'fact': {
        s.searchTopic = rankTopics(n)[0]?.id ?? s.topic;
        return [...say(note, choose.pick(LINES.search.intro)), { kind: 'search', query: intent.query }];
      }
      case 'offTopic':
        return stalled(LINES.offTopic);
      case 'moveOn': {
        const from = s.topic ? topicById(s.topic) : undefined;
        const next = from?.related.find((id) => stage(id) < 4) ?? (s.topic ? undefined : 'strategy');
        return next ? enter(next, n) : say(choose.pick(LINES.declined));
      }
      case 'dontKnow': {
        if (!s.topic || s.stalls >= 1) {
          // A second "I don't know" in a row: give the advice anyway rather than ask again.
          return s.topic ? advance(topicById(s.topic), n) : stalled(LINES.noTopic);
        }
        if (stage(s.topic) === 1) return stalled(LINES.dontKnow.diagnose, { hint: DONT_KNOW_HINTS[s.topic] ?? LINES.dontKnowHint.default });
        return stalled(LINES.dontKnow.later);
      }
      case 'short':
        if (!s.topic) return stalled(LINES.shortNoTopic);
        if (s.stalls === 0) return stalled(LINES.short);
        return advance(topicById(s.topic), n, note);
      default:
        return answer(n, note);
    }
  }

  return {
    opening({ resuming = false } = {}) {
      if (resuming) return say(choose.pick(LINES.resume));
      const lastTime = options.recap ? `Picking up from last time. ${options.recap}` : '';
      if (counterpart) return rehearse(counterpart, lastTime);
      return say(lastTime, scenario ? scenario.openingLine : choose.pick(LINES.opening));
    },
    reply(userText, context = {}) {
      return respond(userText, context);
    },
    afterSearch(result) {
      const topic = s.searchTopic ? topicById(s.searchTopic) : undefined;
      s.searchTopic = undefined;
      if (topic) {
        s.topic = topic.id;
        if (stage(topic.id) === 0) setStage(topic.id, 1);
      }
      const follow = topic?.applyQuestion ?? LINES.search.defaultQuestion;
      if (isEmptyAnswer(result)) return say(line(choose.pick(LINES.search.empty), { question: follow }));
      return say(searchAnswerText(result, follow));
    },
    afterSearchFailed() {
      s.searchTopic = undefined;
      return say(line(choose.pick(LINES.search.failed), { question: question().replace(/^./, (c) => c.toLowerCase()) }));
    },
    replay(userTexts) {
      const lastLine = s.lastLine;
      for (const text of userTexts) respond(text, {});
      s.lastLine = lastLine;
      s.searchTopic = undefined;
    },
    state: () => s,
  };
}

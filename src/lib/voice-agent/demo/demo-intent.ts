/**
 * What a user turn is, before the coach decides what to say: a goodbye, a request to rehearse, a
 * factual question for the library, thanks, "I don't know", a one-word answer, something off-topic, or
 * (most of the time) an answer to the coach's question. Pattern tables, checked in order; the first
 * match wins. Recognised speech has no punctuation and typing has plenty, so everything works on
 * `normalise`d text.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { MAX_SEARCH_QUERY_LENGTH } from '../api/search-client';
import { normalise, score, wordCount } from './demo-text';
import { REHEARSAL_ROLES } from './script/rehearsal-roles';
import type { RoleId } from './script/topic-types';
import { rankTopics } from './script/topics';

export type Intent =
  | { kind: 'empty' }
  | { kind: 'goodbye' }
  | { kind: 'stepOut' }
  | { kind: 'resume' }
  | { kind: 'again' }
  | { kind: 'rehearse'; role?: RoleId }
  | { kind: 'hold' }
  | { kind: 'thanks' }
  | { kind: 'greeting' }
  | { kind: 'help' }
  | { kind: 'repeat' }
  | { kind: 'dontKnow' }
  | { kind: 'moveOn' }
  | { kind: 'fact'; query: string }
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'offTopic' }
  | { kind: 'short' }
  | { kind: 'answer' };

const GOODBYE =
  /\b(good ?bye|bye( for now| now)?|that'?s all( for (now|today))?|that is all|i (have|need|got) to (go|run)|gotta go|end (the|this|our) (session|call|conversation)|we'?re done|we are done|let'?s (stop|finish|end|wrap up)( here| there| now| for today)?|wrap (it )?up|talk (to you )?later|see you|signing off)\b/;
const STEP_OUT =
  /\b(feedback|how did i do|how am i doing|how was (that|i)|step out|out of (role|character)|break character|pause( the)?( role ?play| rehearsal)?|time out|(stop|end) the (role ?play|rehearsal|exercise|simulation)|drop the role|be my coach( again)?|back to coaching)\b/;
const RESUME = /\b(back in (role|character)|resume|carry on|continue( the)?( role ?play| rehearsal)?|keep going|where were we)\b/;
const AGAIN = /\b(go again|again from the top|from the top|one more time|try again|run it again|once more|start again|tougher|harder)\b/;
const REHEARSE_VERB =
  /\b(rehears\w*|role ?play\w*|mock|simulat\w+|dry run|pretend( to be)?|act as|you be|be my|play (a|an|the|my)|(let'?s|let us|i want to|i'?d like to|i would like to|can we|could we|help me|want to|need to) (practi[sc]e|prepare|run through))\b|^practi[sc]e\b/;
const HOLD = /^(wait|hold on|hang on|stop|one (moment|second|sec)|just a (moment|second|sec))\b/;
const THANKS = /\b(thanks|thank you|cheers|thx|much appreciated)\b/;
const GREETING = /^(hi|hello|hey|hiya|howdy|greetings|good (morning|afternoon|evening|day))\b/;
const HELP = /\b(what can you do|how does this work|what do you do|how do i use (this|you)|what are my options|who are you|what are you)\b|^help\b/;
const REPEAT = /\b(say (that|it) again|repeat( that| it)?|come again|pardon|what did you say|i didn'?t (catch|hear) (that|you)|sorry what)\b/;
const DONT_KNOW =
  /\b(i don'?t know|i do not know|don'?t know|not sure|no idea|dunno|unsure|no clue|haven'?t (thought|decided|a clue)|can'?t say|hard to say|not a clue|what do you mean|you mean)\b/;
const MOVE_ON = /\b(something else|another (topic|subject|area)|different (topic|subject)|change (the )?(topic|subject)|move on|next topic|skip( this| that| it)?|let'?s move)\b/;
const YES = /^(yes|yeah|yep|yup|sure|ok|okay|go ahead|let'?s do it|let'?s do that|please|absolutely|definitely|sounds good|why not|go on|the first|first one|the former)\b/;
const NO = /^(no|nope|nah|not really|not now|no thanks|neither|not yet|none)\b/;

/** A question about facts (rules, dates, definitions) rather than a request for advice. */
const FACT_START =
  /^(what|whats|what'?s|when|which|who|where|is|are|does|do|did|has|have|will|how (much|many|long|big|high|often)|explain|define|tell me (about|what|when|which|whether|if|how)|(can|could) you (please )?(explain|tell me|look up|check|find)|look up|search|check|i'?d like to know|i want to know|do you know)\b/;
const COACHING =
  /\b(should (i|we)|would you|do you think|your (view|advice|take|opinion)|advi[sc]e|recommend|how (do|can|should|would) (i|we)|what (do|can|should|would|could) (i|we) do|help me|you mean|do you mean)\b/;
const FACT_MARKERS =
  /\b(act|law|laws|article|regulation|directive|gdpr|fine|fines|penalt\w*|deadline|dates?|require\w*|apply|applies|obligation\w*|means?|definition|standard|framework|nist|iso|owasp|annex|prohibited|banned|high risk|gpai|dpia|copyright|difference between|say about|says about)\b/;

const OFF_TOPIC =
  /\b(weather|football|soccer|cricket|rugby|tennis|golf|recipe|cook\w*|dinner|lunch|movie|movies|film|films|holiday|vacation|joke|song|music|dating|horoscope|celebrit\w*|lottery|poem|birthday|pizza|coffee|wine|beer|sports?|game of|tv show|netflix|cat|cats|dog|dogs|what time is it)\b/;

/** Which counterpart the text asks for, if any. */
export function roleFor(normalised: string): RoleId | undefined {
  let best: { id: RoleId; score: number } | undefined;
  for (const role of REHEARSAL_ROLES) {
    const s = score(normalised, role.triggers);
    if (s > 0 && (!best || s > best.score)) best = { id: role.id, score: s };
  }
  return best?.id;
}

export function classify(text: string): Intent {
  const n = normalise(text);
  const words = wordCount(text);
  if (!n) return { kind: 'empty' };
  if (GOODBYE.test(n) && words <= 12) return { kind: 'goodbye' };
  if (STEP_OUT.test(n) && words <= 14) return { kind: 'stepOut' };
  if (REHEARSE_VERB.test(n)) return { kind: 'rehearse', role: roleFor(n) };
  if (AGAIN.test(n) && words <= 8) return { kind: 'again' };
  if (RESUME.test(n) && words <= 8) return { kind: 'resume' };
  if (HOLD.test(n) && words <= 3) return { kind: 'hold' };
  if (THANKS.test(n) && words <= 5) return { kind: 'thanks' };
  if (GREETING.test(n) && words <= 5) return { kind: 'greeting' };
  if (HELP.test(n) && words <= 8) return { kind: 'help' };
  if (REPEAT.test(n) && words <= 8) return { kind: 'repeat' };
  if (DONT_KNOW.test(n) && words <= 10) return { kind: 'dontKnow' };
  if (MOVE_ON.test(n) && words <= 10) return { kind: 'moveOn' };
  if (isFactQuestion(text, n, words)) return { kind: 'fact', query: searchQuery(text) };
  if (YES.test(n) && words <= 5) return { kind: 'yes' };
  if (NO.test(n) && words <= 5) return { kind: 'no' };
  const topical = rankTopics(n).length > 0;
  if (!topical && OFF_TOPIC.test(n)) return { kind: 'offTopic' };
  if (!topical && words <= 2 && !/\d/.test(n)) return { kind: 'short' };
  return { kind: 'answer' };
}

function isFactQuestion(text: string, n: string, words: number): boolean {
  if (words < 3 || !FACT_START.test(n) || COACHING.test(n)) return false;
  // "How many pilots do we have? About 30.": a question the user answers themselves is an answer.
  if (/\?\s*\S/.test(text)) return false;
  const topicScore = rankTopics(n)[0]?.score ?? 0;
  return topicScore >= 2 || FACT_MARKERS.test(n);
}

/** The question as a library query: politeness and the question mark off, within the server's limit. */
export function searchQuery(text: string): string {
  const stripped = text
    .trim()
    .replace(/^(please\s+)?((can|could|would) you\s+(please\s+)?(tell me|explain|look up|check|find( out)?)|look up|search( for)?|check|i'?d like to know|i want to know|do you know)\s+/i, '')
    .replace(/[?.!\s]+$/, '')
    .trim();
  const query = wordCount(stripped) >= 2 ? stripped : text.trim();
  return query.slice(0, MAX_SEARCH_QUERY_LENGTH);
}

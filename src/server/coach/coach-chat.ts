/**
 * The coach in fallback mode (Chat Completions): the same instructions and `web_search` tool as the
 * realtime session (coach-session.ts), bound on the server. Replies are spoken sentence by sentence by
 * text-to-speech, so the model is asked for plain spoken sentences.
 */
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { COACH_INSTRUCTIONS, WEB_SEARCH_TOOL } from './coach-session';
import type { Scenario } from './scenario-catalogue';
import { coachInstructions } from './scenario-instructions';

export const FALLBACK_ADDENDUM = `Your replies are read aloud, one sentence at a time, by a text-to-speech voice:
- Write plain spoken sentences only: no Markdown, no headings, no bullet or numbered lists, no tables, no emoji.
- Never read out URLs or link markup; name a source in words ("according to the EU's AI Act page").
- Keep sentences short enough to say in one breath.`;

/** Sent as the `developer` message that opens every fallback chat call of a free-coaching session. */
export const FALLBACK_CHAT_INSTRUCTIONS = `${COACH_INSTRUCTIONS}\n\n${FALLBACK_ADDENDUM}`;

/** The `developer` message for a session with this scenario (none: FALLBACK_CHAT_INSTRUCTIONS). */
export function fallbackChatInstructions(scenario?: Scenario): string {
  return scenario ? `${coachInstructions(scenario)}\n\n${FALLBACK_ADDENDUM}` : FALLBACK_CHAT_INSTRUCTIONS;
}

/** `web_search` in the Chat Completions shape (the `function: {}` wrapper, unlike Realtime). */
export const WEB_SEARCH_CHAT_TOOL: ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: WEB_SEARCH_TOOL.name,
    description: WEB_SEARCH_TOOL.description,
    parameters: WEB_SEARCH_TOOL.parameters,
  },
};

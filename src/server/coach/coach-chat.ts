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

/**
 * Added to the `developer` message when the browser asks for the opening (a chat request with no messages):
 * the conversation is only the developer message, so the model is told plainly that it speaks first.
 */
export const OPENING_CUE = 'The session starts now and the user has not spoken yet: open the conversation as instructed above, in one to three sentences.';

/**
 * The `developer` message for a session with this scenario (none: FALLBACK_CHAT_INSTRUCTIONS), with the previous
 * session's recap when the session carries one, and the opening cue when the coach speaks first.
 */
export function fallbackChatInstructions(scenario?: Scenario, options: { recap?: string; opening?: boolean } = {}): string {
  const base = scenario || options.recap ? `${coachInstructions(scenario, options.recap)}\n\n${FALLBACK_ADDENDUM}` : FALLBACK_CHAT_INSTRUCTIONS;
  return options.opening ? `${base}\n\n${OPENING_CUE}` : base;
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

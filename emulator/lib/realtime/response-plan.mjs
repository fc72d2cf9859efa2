// Decide what a response says, from the conversation and the script:
// - the newest input is an unused function_call_output → "According to the search: …" + the turn's reply;
// - the newest input is an unanswered user turn → a function_call (when the scripted turn has a tool the
//   session declares) or the scripted reply;
// - otherwise (no new input, or the script ran out) → a generic coaching line.
import { genericReply, toolFollowUp } from './conversation-script.mjs';

/**
 * @typedef {{ kind: 'message', text: string } | { kind: 'function_call', name: string, arguments: string, turn: number }} Plan
 */

/**
 * Is a function tool named `name` callable with these tools / tool_choice?
 * @param {any[]|undefined} tools @param {any} toolChoice @param {string} name
 */
export function toolAvailable(tools, toolChoice, name) {
  if (!Array.isArray(tools) || !tools.some((t) => t?.type === 'function' && t.name === name)) return false;
  if (toolChoice === 'none') return false;
  if (toolChoice && typeof toolChoice === 'object') return toolChoice.type === 'function' && toolChoice.name === name;
  return true;
}

const isInput = (it) => (it.type === 'message' && it.role === 'user') || it.type === 'function_call_output';

/**
 * @param {any} S engine context (conversation, script, session, genericCount)
 * @param {{ tools?: any[], tool_choice?: any }} config effective config of this response
 * @param {boolean} [peek] out-of-band responses: plan without consuming the turn
 * @returns {Plan}
 */
export function planResponse(S, config, peek = false) {
  const conv = S.conversation;
  const last = [...conv.all()].reverse().find(isInput);
  const generic = () => ({ kind: /** @type {const} */ ('message'), text: genericReply(peek ? S.genericCount : S.genericCount++) });
  if (!last) return generic();
  const meta = peek ? { ...conv.meta(last.id) } : conv.meta(last.id);

  if (last.type === 'function_call_output') {
    if (meta.answered) return generic();
    meta.answered = true;
    const call = conv.all().find((it) => it.type === 'function_call' && it.call_id === last.call_id);
    const turn = call ? conv.meta(call.id).turn : undefined;
    const reply = turn !== undefined && S.script[turn]?.tool ? S.script[turn].assistant : undefined;
    return { kind: 'message', text: toolFollowUp(last.output, reply) };
  }

  if (meta.turn === undefined || meta.answered) return generic();
  const turn = S.script[meta.turn];
  if (!turn) {
    meta.answered = true;
    return generic();
  }
  if (turn.tool && !meta.toolCalled && toolAvailable(config.tools, config.tool_choice, turn.tool.name)) {
    meta.toolCalled = true;
    return { kind: 'function_call', name: turn.tool.name, arguments: JSON.stringify({ query: turn.tool.query }), turn: meta.turn };
  }
  meta.answered = true;
  return { kind: 'message', text: turn.assistant };
}

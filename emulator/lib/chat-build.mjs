// Deterministic behaviour of POST /v1/chat/completions: decide between a web_search tool call, an answer
// built from a tool result, and a scripted coaching reply; build the chat.completion object.
import { alnum } from './ids.mjs';
import { structuredContent } from './chat-structured.mjs';

/** The search rule: the last user message asks to check, look up, search or find out something. */
export const SEARCH_RULE = /\b(check|checking|look(?:s|ing)?\s+(?:it\s+|that\s+|this\s+|them\s+)?up|search(?:es|ing)?|find\s+out|latest)\b|\bwhat\s+(?:does|do)\s+.+?\s+require\b/i;

/** Executive-coaching lines; a reply is 2–4 consecutive lines chosen by a hash of the last user message. */
export const COACHING_LINES = [
  'Start by naming the one decision your team needs from you this quarter.',
  'Frame the AI rollout around a business outcome, not around the tool.',
  'Ask each direct report which task they would gladly hand to an assistant.',
  'Pick a small pilot with a clear owner and a four-week horizon.',
  'Share what you are learning openly, including what did not work.',
  'Set two or three guardrails for data and review before anyone scales up.',
  'Measure time saved and quality together, so speed never hides mistakes.',
  'Invite your sceptics early, because their questions make the plan stronger.',
  'Close every meeting by agreeing who does what by when.',
  'Model the behaviour yourself by using the assistant in front of the team.',
  'Keep the board informed with one page on risks, value and next steps.',
  'Celebrate the first small win publicly to build momentum.',
];

export const TOOL_FOLLOW_UP = 'Shall we turn that into one concrete step for your team?';

/** An opening line the instructions spell out: `… by saying: "<line>"` (also `say "<line>"`), straight quotes. */
export const OPENING_RULE = /\bsay(?:ing)?:?\s*"([^"\n]{1,600})"/i;

/** FNV-1a 32-bit. @param {string} s */
export function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Text of a message: its string content or its text parts joined by a space. @param {any} m */
export function messageText(m) {
  if (typeof m?.content === 'string') return m.content;
  if (!Array.isArray(m?.content)) return '';
  return m.content.filter((p) => p.type === 'text').map((p) => p.text).join(' ');
}

/** 2–4 coaching sentences, chosen deterministically from the user's words. @param {string} userText */
export function coachingReply(userText) {
  const norm = userText.replace(/\s+/g, ' ').trim().toLowerCase();
  const h = hash(norm);
  const count = 2 + (h % 3);
  const start = (h >>> 8) % COACHING_LINES.length;
  return Array.from({ length: count }, (_, i) => COACHING_LINES[(start + i) % COACHING_LINES.length]).join(' ');
}

/**
 * The reply that opens a conversation with no user message (only system/developer, maybe assistant, messages):
 * the first line the instructions say to open with, else 2–4 coaching sentences chosen from the instructions.
 * @param {any[]} msgs
 */
export function openingReply(msgs) {
  const instructions = msgs.filter((m) => m.role === 'system' || m.role === 'developer').map(messageText).join('\n');
  const quoted = OPENING_RULE.exec(instructions);
  return quoted ? quoted[1].replace(/\s+/g, ' ').trim() : coachingReply(instructions);
}

/** The web_search query derived from a message: request words and punctuation around it dropped. @param {string} text */
export function searchQuery(text) {
  let q = text.replace(/\s+/g, ' ').trim();
  q = q.replace(/^(?:(?:hey|hi|ok(?:ay)?|so|please|can you|could you|would you|will you|i want you to|i'd like you to)[\s,]+)+/i, '');
  q = q.replace(/^(?:please\s+)?(?:quickly\s+)?(?:check|look(?:\s+(?:it|that|this))?\s+up|search(?:\s+the\s+web)?(?:\s+for)?|find\s+out)\b[\s:,]*(?:(?:on|for|about|whether|if)\s+)?/i, '');
  q = q.replace(/(?:,?\s*please)?[\s?!.]+$/i, '').trim();
  return (q || text.trim()).slice(0, 200);
}

/** The first sentence of a text (the whole text when it has no sentence end). @param {string} text */
export function firstSentence(text) {
  const t = text.replace(/\s+/g, ' ').trim();
  const m = /^.*?[.!?](?=\s|$)/.exec(t);
  return m ? m[0] : t;
}

/** A tool result's useful text: `answer` of a JSON object, a JSON string, or the raw text. @param {string} content */
export function toolOutputText(content) {
  try {
    const v = JSON.parse(content);
    if (v && typeof v === 'object' && typeof v.answer === 'string') return v.answer;
    if (typeof v === 'string') return v;
  } catch {
    // not JSON: the raw text
  }
  return content;
}

/**
 * What the assistant does for this request.
 * @param {any} body a validated request body
 * @returns {{ kind: 'text', text: string } | { kind: 'tool_call', name: string, arguments: string }}
 */
export function planReply(body) {
  const msgs = body.messages;
  let lastUser = -1;
  msgs.forEach((m, i) => { if (m.role === 'user') lastUser = i; });
  const userText = lastUser >= 0 ? messageText(msgs[lastUser]) : '';
  const toolResults = msgs.slice(lastUser + 1).filter((m) => m.role === 'tool');
  if (toolResults.length) {
    const out = firstSentence(toolOutputText(messageText(toolResults[toolResults.length - 1])));
    return { kind: 'text', text: `According to the search, ${out} ${TOOL_FOLLOW_UP}` };
  }
  const names = (body.tools ?? []).map((t) => t.function.name);
  const choice = body.tool_choice ?? 'auto';
  const forced = typeof choice === 'object' ? choice.function.name : choice === 'required' ? (names.includes('web_search') ? 'web_search' : names[0]) : null;
  const wantsSearch = choice === 'auto' && names.includes('web_search') && SEARCH_RULE.test(userText);
  const name = forced ?? (wantsSearch ? 'web_search' : null);
  if (name) {
    const args = name === 'web_search' ? { query: searchQuery(userText) } : {};
    return { kind: 'tool_call', name, arguments: JSON.stringify(args) };
  }
  return { kind: 'text', text: lastUser < 0 ? openingReply(msgs) : coachingReply(userText) };
}

/** Tokens are estimated as ceil(chars / 4). @param {string} s */
export const tokens = (s) => Math.ceil(s.length / 4);

/** Prompt tokens: every message's text and tool-call arguments, plus the tool definitions. @param {any} body */
export function promptTokens(body) {
  let chars = 0;
  for (const m of body.messages) {
    chars += messageText(m).length;
    for (const c of m.tool_calls ?? []) chars += c.function.name.length + c.function.arguments.length;
  }
  if (body.tools) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / 4) + 3 * body.messages.length;
}

export const chatId = () => `chatcmpl-${alnum(29)}`;
export const toolCallId = () => `call_${alnum(24)}`;
export const FINGERPRINT = 'fp_e0emu1a7or';

/**
 * The chat.completion object for a validated body.
 * @param {any} body @param {{ now: () => number }} o
 */
export function buildCompletion(body, o) {
  const plan = planReply(body);
  const limit = body.max_completion_tokens ?? body.max_tokens ?? Infinity;
  const n = body.n ?? 1;
  /** @type {any} */
  let message;
  let finish;
  let completion;
  if (plan.kind === 'tool_call') {
    message = { role: 'assistant', content: null, refusal: null, annotations: [],
      tool_calls: [{ id: toolCallId(), type: 'function', function: { name: plan.name, arguments: plan.arguments } }] };
    finish = 'tool_calls';
    completion = tokens(plan.name + plan.arguments) + 2;
  } else {
    let text = structuredContent(body) ?? plan.text;
    finish = 'stop';
    completion = tokens(text);
    if (completion > limit) {
      text = text.slice(0, limit * 4);
      finish = 'length';
      completion = limit;
    }
    message = { role: 'assistant', content: text, refusal: null, annotations: [] };
  }
  const prompt = promptTokens(body);
  return {
    id: chatId(),
    object: 'chat.completion',
    created: Math.floor(o.now() / 1000),
    model: body.model,
    choices: Array.from({ length: n }, (_, index) => ({ index, message: structuredClone(message), logprobs: null, finish_reason: finish })),
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion * n,
      total_tokens: prompt + completion * n,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: body.service_tier && body.service_tier !== 'auto' ? body.service_tier : 'default',
    system_fingerprint: FINGERPRINT,
  };
}

// The conversation script: what the emulated user "said" (the emulator cannot transcribe, so the
// transcript of user turn i is script[i].user) and what the coach answers. A turn may carry a tool
// call: when the session declares a function tool of that name (and tool_choice is not "none"), the
// first response of the turn is a function_call with arguments {"query": …}; the response after the
// function_call_output speaks "According to the search: <first sentence of the output>" + the reply.

/** @typedef {{ user: string, assistant: string, tool?: { name: string, query: string } }} ScriptTurn */

/** @type {ScriptTurn[]} */
export const DEFAULT_SCRIPT = [
  {
    user: "Hi, I'm presenting our AI budget to the board on Thursday and I'd like to rehearse my pitch.",
    assistant: "Good, let's rehearse. I'll play a sceptical board member. Give me your opening line: what are you asking for, and why now?",
  },
  {
    user: "We're asking for two point four million euros over eighteen months to put AI assistants into customer service and finance.",
    assistant: 'That is a big number for a pilot. What return do you expect in the first year, and how will you measure it?',
  },
  {
    user: 'We expect to cut average handling time by a quarter, which pays the investment back in about fourteen months.',
    assistant: 'Fourteen months is credible if your baseline is solid. Now the board will ask about regulation. What does the EU AI Act mean for these assistants?',
  },
  {
    user: 'Good question. Can you check what the EU AI Act currently requires for high-risk systems?',
    tool: { name: 'web_search', query: 'EU AI Act high-risk obligations' },
    assistant: 'So put a one-line risk classification in your deck before the board asks. Which of your use cases could count as high-risk?',
  },
  {
    user: 'Only the credit pre-screening pilot might be, and we will keep a human in the loop there.',
    assistant: 'Then say exactly that, in one sentence. Now give me your closing line as you would deliver it on Thursday.',
  },
  {
    user: 'Thank you, that was really helpful. I feel ready for Thursday.',
    assistant: 'You are ready. Lead with the payback, name the risk before they do, and close with a clear ask. Good luck on Thursday.',
  },
];

/** Replies once the script has run out (rotating), and for responses with no new user turn. */
export const GENERIC_REPLIES = [
  'Let us keep going. What is the one number you want the board to remember?',
  'Good. How would you answer if the finance director asks what happens when the pilot fails?',
  'Try that again in one sentence, and lead with the business outcome.',
];

/** Transcript of a user turn beyond the end of the script. */
export const UNSCRIPTED_USER_LINE = 'Let me try that again.';

/**
 * Validate a script; throws TypeError with a readable message.
 * @param {unknown} script @returns {ScriptTurn[]}
 */
export function normalizeScript(script) {
  if (!Array.isArray(script)) throw new TypeError('the script must be an array of turns');
  return script.map((t, i) => {
    const at = `script[${i}]`;
    if (!t || typeof t !== 'object' || Array.isArray(t)) throw new TypeError(`${at} must be an object`);
    for (const k of Object.keys(t)) if (!['user', 'assistant', 'tool'].includes(k)) throw new TypeError(`${at}: unknown key '${k}'`);
    if (typeof t.user !== 'string' || !t.user.trim()) throw new TypeError(`${at}.user must be a non-empty string`);
    if (typeof t.assistant !== 'string' || !t.assistant.trim()) throw new TypeError(`${at}.assistant must be a non-empty string`);
    /** @type {ScriptTurn} */
    const out = { user: t.user.trim(), assistant: t.assistant.trim() };
    if (t.tool !== undefined) {
      const tool = t.tool;
      if (!tool || typeof tool !== 'object' || typeof tool.name !== 'string' || !tool.name || typeof tool.query !== 'string')
        throw new TypeError(`${at}.tool must be { name: string, query: string }`);
      out.tool = { name: tool.name, query: tool.query };
    }
    return out;
  });
}

/** The user transcript of turn `index` (0-based). @param {ScriptTurn[]} script @param {number} index */
export const userLine = (script, index) => script[index]?.user ?? UNSCRIPTED_USER_LINE;

/** @param {number} n */
export const genericReply = (n) => GENERIC_REPLIES[((n % GENERIC_REPLIES.length) + GENERIC_REPLIES.length) % GENERIC_REPLIES.length];

/**
 * The readable text inside a tool output: a JSON string, or an object's answer/text/summary/output/
 * result/content field (first found), else the raw output. Markdown links become their label.
 * @param {string} output
 */
export function toolOutputText(output) {
  let text = String(output ?? '');
  try {
    const v = JSON.parse(text);
    if (typeof v === 'string') text = v;
    else if (v && typeof v === 'object') {
      const key = ['answer', 'text', 'summary', 'output', 'result', 'content'].find((k) => typeof v[k] === 'string' && v[k].trim());
      if (key) text = v[key];
    }
  } catch {
    // plain text output
  }
  return text
    .replace(/\s*\(\[[^\]]*\]\([^)]*\)\)/g, '') // "([host](url))" citations
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** First sentence (up to 240 characters). @param {string} text */
export function firstSentence(text) {
  const m = /^(.+?[.!?])(?=\s|$)/.exec(text);
  const s = (m ? m[1] : text).trim();
  return s.length > 240 ? `${s.slice(0, 237).trimEnd()}...` : s;
}

/** The line spoken after a tool call. @param {string} output @param {string} [reply] */
export function toolFollowUp(output, reply) {
  const sentence = firstSentence(toolOutputText(output));
  const quoted = sentence ? `According to the search: ${/[.!?]$/.test(sentence) ? sentence : `${sentence}.`}` : 'The search returned nothing useful.';
  return reply ? `${quoted} ${reply}` : quoted;
}

// Build the (final) Response object for POST /v1/responses (§8) from a validated request body.
// Content is deterministic: the answer text and citations depend only on the request.
import { messageId, responseId, webSearchCallId } from './ids.mjs';
import { WEB_SEARCH_PREVIEW_TYPES, WEB_SEARCH_TYPES } from './responses-validate.mjs';
import { displayHost, searchCorpus } from './web-corpus.mjs';

export const UTM = 'utm_source=chatgpt.com';
/** Cited sources per answer by `search_context_size`. */
export const CITATIONS_BY_CONTEXT = { low: 1, medium: 2, high: 3 };
const MAX_QUERY_CHARS = 200;
const DEFAULT_LOCATION = { type: 'approximate', city: null, country: 'US', region: null, timezone: null };

/** Rough token count (≈ 4 characters per token). @param {string} s */
export const estimateTokens = (s) => Math.ceil(String(s).length / 4);

/** Text of a message item's content (string, or its text parts joined by a space). @param {any} content */
function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((p) => typeof p?.text === 'string').map((p) => p.text).join(' ');
}

/**
 * The search query: the last user text in `input` (string input, or the last `role:"user"` message),
 * whitespace collapsed, trimmed and cut to 200 characters.
 * @param {string|any[]} input
 */
export function deriveQuery(input) {
  let text = '';
  if (typeof input === 'string') text = input;
  else for (const item of input) if ((item.type ?? 'message') === 'message' && item.role === 'user') text = contentText(item.content);
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_CHARS).trim();
}

/** All text the request carries (instructions and every input text), for input_tokens. @param {any} body */
function inputText(body) {
  const items = typeof body.input === 'string' ? [body.input] : body.input.map((i) => contentText(i.content ?? i.output ?? ''));
  return [body.instructions ?? '', ...items].join('\n');
}

/** Echo a tool the way the API does: defaults filled in. @param {any} t */
function echoTool(t) {
  const user_location = t.user_location === null ? null : { ...DEFAULT_LOCATION, ...(t.user_location ?? {}) };
  if (WEB_SEARCH_PREVIEW_TYPES.includes(t.type)) {
    return { type: t.type, search_context_size: t.search_context_size ?? 'medium', user_location,
      ...(t.search_content_types ? { search_content_types: t.search_content_types } : {}) };
  }
  return { type: t.type, filters: t.filters ?? null, search_context_size: t.search_context_size ?? 'medium', user_location,
    ...(t.external_web_access !== undefined ? { external_web_access: t.external_web_access } : {}) };
}

/**
 * The answer text with one `url_citation` per cited page. Each cited sentence is the page's fact followed
 * by ` ([host](url?utm_source=chatgpt.com))`; the annotation spans exactly that parenthesised link.
 * @param {import('./web-corpus.mjs').Hit[]} hits
 */
export function citedAnswer(hits) {
  let text = '';
  const annotations = [];
  for (const hit of hits) {
    const url = `${hit.url}?${UTM}`;
    const link = `([${displayHost(hit.url)}](${url}))`;
    text += `${text ? ' ' : ''}${hit.fact} `;
    annotations.push({ type: 'url_citation', start_index: text.length, end_index: text.length + link.length, url, title: hit.title });
    text += link;
  }
  return { text, annotations };
}

/** Answer text and annotations for a request. */
function answer(query, search, allowedDomains) {
  if (!search) {
    const [best] = searchCorpus(query, { limit: 1 });
    const text = !query ? 'Hello! How can I help you today?'
      : best?.score ? best.fact : `I don't have enough information to answer "${query}" without searching the web.`;
    return { text, annotations: [], sources: [] };
  }
  const hits = searchCorpus(query, { allowedDomains });
  const cited = hits.slice(0, CITATIONS_BY_CONTEXT[search.search_context_size ?? 'medium']);
  const sources = hits.map((h) => ({ type: 'url', url: h.url }));
  if (!cited.length) {
    const where = allowedDomains?.length ? ` on the allowed domains (${allowedDomains.join(', ')})` : '';
    return { text: `I searched the web for "${query}" but found no results${where}.`, annotations: [], sources };
  }
  return { ...citedAnswer(cited), sources };
}

/**
 * @param {any} body  a body that passed validateResponsesBody
 * @param {{ now: () => number }} o
 */
export function buildResponse(body, o) {
  const createdAt = Math.floor(o.now() / 1000);
  const tools = (body.tools ?? []).map(echoTool);
  const toolChoice = body.tool_choice ?? 'auto';
  const search = toolChoice === 'none' ? null
    : (body.tools ?? []).find((t) => [...WEB_SEARCH_TYPES, ...WEB_SEARCH_PREVIEW_TYPES].includes(t.type)) ?? null;
  const query = deriveQuery(body.input);
  const allowedDomains = search?.filters?.allowed_domains ?? null;
  const ans = answer(query, search, allowedDomains);

  let { text, annotations } = ans;
  let outputTokens = Math.max(1, estimateTokens(text));
  const limit = body.max_output_tokens ?? null;
  const incomplete = limit !== null && outputTokens > limit;
  if (incomplete) { // cut the text at the token budget; keep only citations that still fit
    text = text.slice(0, limit * 4);
    annotations = annotations.filter((a) => a.end_index <= text.length);
    outputTokens = limit;
  }
  const inputTokens = Math.max(1, estimateTokens(inputText(body)));
  const include = body.include ?? [];

  const output = [];
  if (search) {
    output.push({ type: 'web_search_call', id: webSearchCallId(), status: 'completed', action: {
      type: 'search', query, ...(include.includes('web_search_call.action.sources') ? { sources: ans.sources } : {}) } });
  }
  output.push({ type: 'message', id: messageId(), role: 'assistant', status: incomplete ? 'incomplete' : 'completed',
    content: [{ type: 'output_text', text, annotations, logprobs: [] }] });

  return {
    id: responseId(), object: 'response', created_at: createdAt,
    status: incomplete ? 'incomplete' : 'completed', background: false,
    completed_at: incomplete ? null : Math.max(createdAt, Math.floor(o.now() / 1000)),
    error: null, incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null, max_output_tokens: limit, max_tool_calls: null, model: body.model, output,
    parallel_tool_calls: body.parallel_tool_calls ?? true, previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null, reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: !body.service_tier || body.service_tier === 'auto' ? 'default' : body.service_tier,
    store: body.store ?? true, temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: toolChoice, tools, top_logprobs: 0, top_p: body.top_p ?? 1, truncation: body.truncation ?? 'disabled',
    usage: {
      input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + outputTokens,
    },
    user: body.user ?? null, metadata: body.metadata ?? {},
  };
}

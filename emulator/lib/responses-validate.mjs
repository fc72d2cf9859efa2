// Validation of POST /v1/responses bodies (§8). Each check returns an ErrorReply (400) or null;
// the first failure wins, and `param` is the dotted path (e.g. `tools[0].search_context_size`).
import { apiError, emptyString, invalidType, missingParam } from './errors.mjs';
import { first, isObj, num, obj, oneOf, str, unknownKeys } from './validate.mjs';

export const WEB_SEARCH_TYPES = ['web_search', 'web_search_2025_08_26'];
export const WEB_SEARCH_PREVIEW_TYPES = ['web_search_preview', 'web_search_preview_2025_03_11'];
export const INCLUDABLE = ['file_search_call.results', 'web_search_call.results', 'web_search_call.action.sources',
  'message.input_image.image_url', 'computer_call_output.output.image_url', 'code_interpreter_call.outputs',
  'reasoning.encrypted_content', 'message.output_text.logprobs'];
const ROLES = ['user', 'assistant', 'system', 'developer'];
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'web_search_call', 'reasoning', 'item_reference'];
const PART_TYPES = ['input_text', 'input_image', 'input_file', 'output_text', 'refusal'];
const MAX_ALLOWED_DOMAINS = 100;

/** Accepted top-level parameters; anything else → 400 unknown_parameter. */
export const RESPONSES_KEYS = ['model', 'input', 'tools', 'tool_choice', 'include', 'instructions', 'max_output_tokens',
  'store', 'stream', 'stream_options', 'metadata', 'temperature', 'top_p', 'parallel_tool_calls', 'previous_response_id',
  'user', 'safety_identifier', 'prompt_cache_key', 'truncation', 'text', 'reasoning', 'service_tier'];

const opt = (v, check) => (v === undefined ? null : check());
const nullable = (v, check) => (v == null ? null : check());
const bool = (v, p) => (typeof v === 'boolean' ? null : invalidType(p, 'a boolean', v));
const nonEmpty = (v, p) => str(v, p) ?? (v.length ? null : emptyString(p));
const arrayOf = (v, p, each) => (Array.isArray(v) ? first(v.map((x, i) => () => each(x, `${p}[${i}]`))) : invalidType(p, 'an array', v));

function contentPart(v, p) {
  return first([
    () => obj(v, p),
    () => (v.type === undefined ? missingParam(`${p}.type`) : oneOf(v.type, `${p}.type`, PART_TYPES)),
    () => (v.type === 'input_text' || v.type === 'output_text' ? (v.text === undefined ? missingParam(`${p}.text`) : str(v.text, `${p}.text`)) : null),
    () => (v.type === 'refusal' ? (v.refusal === undefined ? missingParam(`${p}.refusal`) : str(v.refusal, `${p}.refusal`)) : null),
  ]);
}

function inputItem(v, p) {
  return first([
    () => obj(v, p),
    () => opt(v.type, () => oneOf(v.type, `${p}.type`, ITEM_TYPES)),
    () => ((v.type ?? 'message') !== 'message' ? null : first([
      () => (v.role === undefined ? missingParam(`${p}.role`) : oneOf(v.role, `${p}.role`, ROLES)),
      () => (v.content === undefined ? missingParam(`${p}.content`) : typeof v.content === 'string' ? null
        : Array.isArray(v.content) ? arrayOf(v.content, `${p}.content`, contentPart)
        : invalidType(`${p}.content`, 'one of a string or array of input content', v.content)),
    ])),
  ]);
}

function userLocation(v, p) {
  return first([
    () => obj(v, p),
    () => unknownKeys(v, ['type', 'city', 'country', 'region', 'timezone'], p),
    () => opt(v.type, () => oneOf(v.type, `${p}.type`, ['approximate'])),
    ...['city', 'country', 'region', 'timezone'].map((k) => () => nullable(v[k], () => str(v[k], `${p}.${k}`))),
  ]);
}

function filters(v, p) {
  const d = v?.allowed_domains;
  return first([
    () => obj(v, p),
    () => unknownKeys(v, ['allowed_domains'], p),
    () => nullable(d, () => arrayOf(d, `${p}.allowed_domains`, nonEmpty)),
    () => (Array.isArray(d) && d.length > MAX_ALLOWED_DOMAINS ? apiError(400,
      `Invalid '${p}.allowed_domains': array too long. Expected an array with maximum length ${MAX_ALLOWED_DOMAINS}, but got an array with length ${d.length} instead.`,
      { param: `${p}.allowed_domains`, code: 'array_above_max_length' }) : null),
  ]);
}

function tool(t, p) {
  const preview = WEB_SEARCH_PREVIEW_TYPES.includes(t?.type);
  return first([
    () => obj(t, p),
    () => (t.type === undefined ? missingParam(`${p}.type`) : oneOf(t.type, `${p}.type`, [...WEB_SEARCH_TYPES, ...WEB_SEARCH_PREVIEW_TYPES])),
    () => unknownKeys(t, preview ? ['type', 'search_context_size', 'user_location', 'search_content_types']
      : ['type', 'filters', 'search_context_size', 'user_location', 'external_web_access'], p),
    () => nullable(t.filters, () => filters(t.filters, `${p}.filters`)),
    () => opt(t.search_context_size, () => oneOf(t.search_context_size, `${p}.search_context_size`, ['low', 'medium', 'high'])),
    () => nullable(t.user_location, () => userLocation(t.user_location, `${p}.user_location`)),
    () => opt(t.external_web_access, () => bool(t.external_web_access, `${p}.external_web_access`)),
    () => opt(t.search_content_types, () => arrayOf(t.search_content_types, `${p}.search_content_types`, (x, xp) => oneOf(x, xp, ['text', 'image']))),
  ]);
}

function toolChoice(v, p) {
  if (typeof v === 'string') return oneOf(v, p, ['auto', 'none', 'required']);
  return first([
    () => (isObj(v) ? null : invalidType(p, 'one of a string or an object', v)),
    () => (v.type === undefined ? missingParam(`${p}.type`) : oneOf(v.type, `${p}.type`, WEB_SEARCH_PREVIEW_TYPES)),
    () => unknownKeys(v, ['type'], p),
  ]);
}

function extras(b) {
  return first([
    () => nullable(b.stream_options, () => obj(b.stream_options, 'stream_options')
      ?? unknownKeys(b.stream_options, ['include_obfuscation'], 'stream_options')
      ?? opt(b.stream_options.include_obfuscation, () => bool(b.stream_options.include_obfuscation, 'stream_options.include_obfuscation'))),
    () => nullable(b.metadata, () => obj(b.metadata, 'metadata')
      ?? first(Object.entries(b.metadata).map(([k, v]) => () => str(v, `metadata.${k}`)))),
    () => nullable(b.temperature, () => num(b.temperature, 'temperature', 0, 2)),
    () => nullable(b.top_p, () => num(b.top_p, 'top_p', 0, 1)),
    () => nullable(b.parallel_tool_calls, () => bool(b.parallel_tool_calls, 'parallel_tool_calls')),
    ...['previous_response_id', 'user', 'safety_identifier', 'prompt_cache_key'].map((k) => () => nullable(b[k], () => str(b[k], k))),
    () => nullable(b.truncation, () => oneOf(b.truncation, 'truncation', ['auto', 'disabled'])),
    () => nullable(b.service_tier, () => oneOf(b.service_tier, 'service_tier', ['auto', 'default', 'flex', 'scale', 'priority'])),
    () => nullable(b.text, () => obj(b.text, 'text') ?? first([
      () => unknownKeys(b.text, ['format', 'verbosity'], 'text'),
      // Structured outputs are not emulated: only plain text can be asked for.
      () => nullable(b.text.format, () => obj(b.text.format, 'text.format') ?? oneOf(b.text.format.type, 'text.format.type', ['text'])),
      () => nullable(b.text.verbosity, () => oneOf(b.text.verbosity, 'text.verbosity', ['low', 'medium', 'high'])),
    ])),
    () => nullable(b.reasoning, () => obj(b.reasoning, 'reasoning') ?? first([
      () => unknownKeys(b.reasoning, ['effort', 'summary'], 'reasoning'),
      () => nullable(b.reasoning.effort, () => oneOf(b.reasoning.effort, 'reasoning.effort', ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])),
      () => nullable(b.reasoning.summary, () => oneOf(b.reasoning.summary, 'reasoning.summary', ['auto', 'concise', 'detailed'])),
    ])),
  ]);
}

/**
 * Validate a /v1/responses request body (already parsed JSON).
 * @param {unknown} body
 * @returns {import('./errors.mjs').ErrorReply|null}
 */
export function validateResponsesBody(body) {
  if (!isObj(body)) return invalidType('body', 'an object', body);
  const b = /** @type {any} */ (body);
  return first([
    () => unknownKeys(b, RESPONSES_KEYS, ''),
    () => (b.model === undefined ? missingParam('model') : nonEmpty(b.model, 'model')),
    () => (b.input === undefined ? missingParam('input') : typeof b.input === 'string' ? null
      : Array.isArray(b.input) ? arrayOf(b.input, 'input', inputItem)
      : invalidType('input', 'one of a string or array of input items', b.input)),
    () => nullable(b.tools, () => arrayOf(b.tools, 'tools', tool)),
    () => nullable(b.tool_choice, () => toolChoice(b.tool_choice, 'tool_choice')),
    () => nullable(b.include, () => arrayOf(b.include, 'include', (x, p) => oneOf(x, p, INCLUDABLE))),
    () => nullable(b.instructions, () => str(b.instructions, 'instructions')),
    () => nullable(b.max_output_tokens, () => num(b.max_output_tokens, 'max_output_tokens', 16, 128000, true)),
    () => nullable(b.store, () => bool(b.store, 'store')),
    () => nullable(b.stream, () => bool(b.stream, 'stream')),
    () => extras(b),
  ]);
}

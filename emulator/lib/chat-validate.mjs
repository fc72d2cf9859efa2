// Validation of POST /v1/chat/completions bodies (§9.1). Each check returns an ErrorReply or null; the
// first failure wins. Field errors use OpenAI's bracket paths (`messages[1].content`); the two message-order
// errors use the `messages.[i].role` form OpenAI is seen to send for them.
import { apiError, emptyString, invalidType, missingParam, modelNotFound } from './errors.mjs';
import { validateResponseFormat } from './chat-structured.mjs';
import { CATALOG } from './models.mjs';
import { first, isObj, num, obj, oneOf, str, unknownKeys } from './validate.mjs';

/** Catalog models the emulator answers on /v1/chat/completions. */
export const CHAT_MODELS = ['gpt-5.4', 'gpt-4o-mini'];

export const CHAT_KEYS = ['model', 'messages', 'stream', 'stream_options', 'max_completion_tokens', 'max_tokens',
  'temperature', 'top_p', 'n', 'tools', 'tool_choice', 'parallel_tool_calls', 'user', 'safety_identifier',
  'prompt_cache_key', 'metadata', 'store', 'seed', 'stop', 'presence_penalty', 'frequency_penalty', 'logit_bias',
  'logprobs', 'top_logprobs', 'response_format', 'reasoning_effort', 'service_tier', 'modalities', 'verbosity'];
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];
const USER_PARTS = ['text', 'image_url', 'input_audio', 'file'];
const FN_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const opt = (v, check) => (v == null ? null : check());
const bool = (v, p) => (typeof v === 'boolean' ? null : invalidType(p, 'a boolean', v));
const arr = (v, p) => (Array.isArray(v) ? null : invalidType(p, 'an array', v));
const each = (v, p, check) => arr(v, p) ?? first(v.map((x, i) => () => check(x, `${p}[${i}]`)));
const emptyArray = (p) => apiError(400, `Invalid '${p}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
  { param: p, code: 'empty_array' });

function part(v, p, types) {
  return first([
    () => obj(v, p),
    () => (v.type === undefined ? missingParam(`${p}.type`) : oneOf(v.type, `${p}.type`, types)),
    () => (v.type === 'text' ? (v.text === undefined ? missingParam(`${p}.text`) : str(v.text, `${p}.text`)) : null),
    () => (v.type === 'refusal' ? (v.refusal === undefined ? missingParam(`${p}.refusal`) : str(v.refusal, `${p}.refusal`)) : null),
  ]);
}

function content(v, p, types, required) {
  if (v == null) return required ? (v === undefined ? missingParam(p) : invalidType(p, 'one of a string or array of objects', v)) : null;
  if (typeof v === 'string') return null;
  if (!Array.isArray(v)) return invalidType(p, 'one of a string or array of objects', v);
  return each(v, p, (x, xp) => part(x, xp, types));
}

function toolCall(v, p) {
  return first([
    () => obj(v, p),
    () => (v.id === undefined ? missingParam(`${p}.id`) : str(v.id, `${p}.id`)),
    () => (v.type === undefined ? missingParam(`${p}.type`) : oneOf(v.type, `${p}.type`, ['function'])),
    () => (v.function === undefined ? missingParam(`${p}.function`) : obj(v.function, `${p}.function`)),
    () => (v.function.name === undefined ? missingParam(`${p}.function.name`) : str(v.function.name, `${p}.function.name`)),
    () => (v.function.arguments === undefined ? missingParam(`${p}.function.arguments`) : str(v.function.arguments, `${p}.function.arguments`)),
  ]);
}

function message(m, p) {
  return first([
    () => obj(m, p),
    () => (m.role === undefined ? missingParam(`${p}.role`) : oneOf(m.role, `${p}.role`, ROLES)),
    // Extra message fields (e.g. `annotations`, or `parsed` from the SDK's stream helper when a returned message is
    // sent back) are ignored, as OpenAI does.
    () => opt(m.name, () => str(m.name, `${p}.name`)),
    () => (m.role === 'user' ? content(m.content, `${p}.content`, USER_PARTS, true)
      : m.role === 'assistant' ? content(m.content, `${p}.content`, ['text', 'refusal'], false)
        : content(m.content, `${p}.content`, ['text'], true)),
    () => (m.role !== 'assistant' ? null : first([
      () => opt(m.tool_calls, () => each(m.tool_calls, `${p}.tool_calls`, toolCall)),
      () => (m.content == null && !(Array.isArray(m.tool_calls) && m.tool_calls.length)
        ? apiError(400, `Invalid value for '${p}.content': expected a string, got null.`, { param: `${p}.content` }) : null),
    ])),
    () => (m.role === 'tool' ? (m.tool_call_id === undefined ? missingParam(`${p}.tool_call_id`) : str(m.tool_call_id, `${p}.tool_call_id`)) : null),
  ]);
}

/** Tool messages must answer the assistant tool_calls right before them, and every call must be answered. */
function order(messages) {
  /** @type {{ at: number, ids: Set<string> } | null} */
  let open = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'tool') {
      if (!open || !open.ids.has(m.tool_call_id))
        return apiError(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          { param: `messages.[${i}].role` });
      open.ids.delete(m.tool_call_id);
      continue;
    }
    if (open && open.ids.size)
      return apiError(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open.ids].join(', ')}`,
        { param: `messages.[${i}].role` });
    open = m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length
      ? { at: i, ids: new Set(m.tool_calls.map((c) => c.id)) } : null;
  }
  return null; // calls still open at the end: OpenAI answers them as a new turn, so do we
}

function tool(t, p) {
  return first([
    () => obj(t, p),
    () => (t.type === undefined ? missingParam(`${p}.type`) : oneOf(t.type, `${p}.type`, ['function'])),
    () => unknownKeys(t, ['type', 'function'], p),
    () => (t.function === undefined ? missingParam(`${p}.function`) : obj(t.function, `${p}.function`)),
    () => unknownKeys(t.function, ['name', 'description', 'parameters', 'strict'], `${p}.function`),
    () => (t.function.name === undefined ? missingParam(`${p}.function.name`) : str(t.function.name, `${p}.function.name`)),
    () => (FN_NAME.test(t.function.name) ? null : apiError(400,
      `Invalid '${p}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      { param: `${p}.function.name`, code: 'invalid_value' })),
    () => opt(t.function.description, () => str(t.function.description, `${p}.function.description`)),
    () => opt(t.function.parameters, () => obj(t.function.parameters, `${p}.function.parameters`)),
    () => opt(t.function.strict, () => bool(t.function.strict, `${p}.function.strict`)),
  ]);
}

function toolChoice(v, b) {
  const names = Array.isArray(b.tools) ? b.tools.map((t) => t.function.name) : [];
  if (typeof v === 'string') return oneOf(v, 'tool_choice', ['none', 'auto', 'required'])
    ?? (v === 'required' && !names.length ? apiError(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", { param: 'tool_choice' }) : null);
  return first([
    () => (isObj(v) ? null : invalidType('tool_choice', 'one of a string or an object', v)),
    () => (v.type === undefined ? missingParam('tool_choice.type') : oneOf(v.type, 'tool_choice.type', ['function'])),
    () => (v.function === undefined ? missingParam('tool_choice.function') : obj(v.function, 'tool_choice.function')),
    () => (v.function.name === undefined ? missingParam('tool_choice.function.name') : str(v.function.name, 'tool_choice.function.name')),
    () => (names.includes(v.function.name) ? null : apiError(400,
      `Invalid value for 'tool_choice': function '${v.function.name}' is not among the declared 'tools'.`, { param: 'tool_choice', code: 'invalid_value' })),
  ]);
}

function options(b) {
  return first([
    () => opt(b.stream, () => bool(b.stream, 'stream')),
    () => opt(b.stream_options, () => obj(b.stream_options, 'stream_options')
      ?? unknownKeys(b.stream_options, ['include_usage', 'include_obfuscation'], 'stream_options')
      ?? opt(b.stream_options.include_usage, () => bool(b.stream_options.include_usage, 'stream_options.include_usage'))
      ?? opt(b.stream_options.include_obfuscation, () => bool(b.stream_options.include_obfuscation, 'stream_options.include_obfuscation'))
      ?? (b.stream === true ? null : apiError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' }))),
    () => opt(b.max_completion_tokens, () => num(b.max_completion_tokens, 'max_completion_tokens', 1, 128000, true)),
    () => opt(b.max_tokens, () => num(b.max_tokens, 'max_tokens', 1, 128000, true)),
    () => opt(b.temperature, () => num(b.temperature, 'temperature', 0, 2)),
    () => opt(b.top_p, () => num(b.top_p, 'top_p', 0, 1)),
    () => opt(b.n, () => num(b.n, 'n', 1, 128, true)),
    () => opt(b.presence_penalty, () => num(b.presence_penalty, 'presence_penalty', -2, 2)),
    () => opt(b.frequency_penalty, () => num(b.frequency_penalty, 'frequency_penalty', -2, 2)),
    () => opt(b.seed, () => num(b.seed, 'seed', -(2 ** 63), 2 ** 63, true)),
    () => opt(b.top_logprobs, () => num(b.top_logprobs, 'top_logprobs', 0, 20, true)),
    () => opt(b.logprobs, () => bool(b.logprobs, 'logprobs')),
    () => opt(b.store, () => bool(b.store, 'store')),
    () => opt(b.parallel_tool_calls, () => bool(b.parallel_tool_calls, 'parallel_tool_calls')),
    ...['user', 'safety_identifier', 'prompt_cache_key'].map((k) => () => opt(b[k], () => str(b[k], k))),
    () => opt(b.stop, () => (typeof b.stop === 'string' ? null : each(b.stop, 'stop', str))),
    () => opt(b.metadata, () => obj(b.metadata, 'metadata') ?? first(Object.entries(b.metadata).map(([k, v]) => () => str(v, `metadata.${k}`)))),
    () => opt(b.logit_bias, () => obj(b.logit_bias, 'logit_bias')),
    // Structured outputs (`json_object`, `json_schema`, see chat-structured.mjs); audio output is not emulated.
    () => opt(b.response_format, () => validateResponseFormat(b.response_format, b.messages)),
    () => opt(b.modalities, () => each(b.modalities, 'modalities', (x, p) => oneOf(x, p, ['text']))),
    () => opt(b.reasoning_effort, () => oneOf(b.reasoning_effort, 'reasoning_effort', ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'])),
    () => opt(b.verbosity, () => oneOf(b.verbosity, 'verbosity', ['low', 'medium', 'high'])),
    () => opt(b.service_tier, () => oneOf(b.service_tier, 'service_tier', ['auto', 'default', 'flex', 'scale', 'priority'])),
  ]);
}

/**
 * Validate a /v1/chat/completions body. Model checks come after the shape checks, as OpenAI does.
 * @param {unknown} body @param {{ realtimeAccess: boolean }} who
 * @returns {import('./errors.mjs').ErrorReply|null}
 */
export function validateChatBody(body, who) {
  if (!isObj(body)) return invalidType('body', 'an object', body);
  const b = /** @type {any} */ (body);
  return first([
    () => first(Object.keys(b).map((k) => () => (CHAT_KEYS.includes(k) ? null : apiError(400, `Unrecognized request argument supplied: ${k}`)))),
    () => (b.model === undefined ? missingParam('model') : str(b.model, 'model') ?? (b.model.length ? null : emptyString('model'))),
    () => (b.messages === undefined ? missingParam('messages') : arr(b.messages, 'messages') ?? (b.messages.length ? null : emptyArray('messages'))),
    () => each(b.messages, 'messages', message),
    () => opt(b.tools, () => each(b.tools, 'tools', tool)),
    () => opt(b.tool_choice, () => toolChoice(b.tool_choice, b)),
    () => options(b),
    () => order(b.messages),
    () => checkModel(b.model, who),
  ]);
}

/** @param {string} model @param {{ realtimeAccess: boolean }} who */
function checkModel(model, who) {
  if (CHAT_MODELS.includes(model)) return null;
  const known = CATALOG.find((m) => m.id === model && (who.realtimeAccess || !m.realtime));
  if (known) return apiError(404, 'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?', { param: 'model' });
  return modelNotFound(model);
}


// Validation of conversation items (conversation.item.create, response.input) and of response.create
// overrides. Returns an ErrorReply (converted to an `error` event by the caller) or null.
import { apiError, invalidType, missingParam } from '../errors.mjs';
import { first, isObj, oneOf, str, unknownKeys, validateClientSecretBody } from '../validate.mjs';

const COMMON = ['id', 'type', 'object', 'status'];
const ITEM_KEYS = {
  message: ['role', 'content'],
  function_call: ['name', 'arguments', 'call_id'],
  function_call_output: ['call_id', 'output'],
  mcp_approval_response: ['approval_request_id', 'approve', 'reason'],
};
const PARTS = {
  user: ['input_text', 'input_audio', 'input_image'],
  system: ['input_text'],
  assistant: ['output_text'],
};
const PART_KEYS = { input_text: ['text'], output_text: ['text'], input_audio: ['audio', 'transcript'], input_image: ['image_url', 'detail'] };

/** @param {any} c @param {string} p @param {string} role */
function part(c, p, role) {
  return first([
    () => (isObj(c) ? null : invalidType(p, 'an object', c)),
    () => (c.type === undefined ? missingParam(`${p}.type`) : null),
    () => (role === 'assistant' && c.type === 'output_audio'
      ? apiError(400, 'Assistant audio content cannot be created by the client: use output_text for assistant messages.', { param: `${p}.type`, code: 'invalid_value' })
      : oneOf(c.type, `${p}.type`, PARTS[/** @type {keyof PARTS} */ (role)])),
    () => unknownKeys(c, ['type', ...PART_KEYS[/** @type {keyof PART_KEYS} */ (c.type)]], p),
    () => (c.type === 'input_text' || c.type === 'output_text' ? (c.text === undefined ? missingParam(`${p}.text`) : str(c.text, `${p}.text`)) : null),
    () => (c.type === 'input_audio' && c.audio != null ? str(c.audio, `${p}.audio`) : null),
    () => (c.type === 'input_image' ? (c.image_url === undefined ? missingParam(`${p}.image_url`) : str(c.image_url, `${p}.image_url`)) : null),
  ]);
}

/**
 * @param {unknown} item @param {string} [p] param prefix
 * @returns {import('../errors.mjs').ErrorReply|null}
 */
export function validateItem(item, p = 'item') {
  if (!isObj(item)) return invalidType(p, 'an object', item);
  const it = /** @type {any} */ (item);
  return first([
    () => (it.type === undefined ? missingParam(`${p}.type`) : oneOf(it.type, `${p}.type`, Object.keys(ITEM_KEYS))),
    () => unknownKeys(it, [...COMMON, ...ITEM_KEYS[/** @type {keyof ITEM_KEYS} */ (it.type)]], p),
    () => (it.id === undefined ? null : str(it.id, `${p}.id`) ?? (it.id.length > 0 && it.id.length <= 64 ? null
      : apiError(400, `Invalid '${p}.id': string length must be between 1 and 64.`, { param: `${p}.id`, code: 'invalid_value' }))),
    () => (it.status === undefined ? null : oneOf(it.status, `${p}.status`, ['completed', 'incomplete', 'in_progress'])),
    () => {
      if (it.type === 'message') {
        return first([
          () => (it.role === undefined ? missingParam(`${p}.role`) : oneOf(it.role, `${p}.role`, ['user', 'assistant', 'system'])),
          () => (it.content === undefined ? missingParam(`${p}.content`) : !Array.isArray(it.content) ? invalidType(`${p}.content`, 'an array', it.content)
            : first(it.content.map((/** @type {any} */ c, /** @type {number} */ i) => () => part(c, `${p}.content[${i}]`, it.role)))),
        ]);
      }
      if (it.type === 'function_call') {
        return first([
          () => (it.name === undefined ? missingParam(`${p}.name`) : str(it.name, `${p}.name`)),
          () => (it.arguments === undefined ? missingParam(`${p}.arguments`) : str(it.arguments, `${p}.arguments`)),
          () => (it.call_id === undefined ? null : str(it.call_id, `${p}.call_id`)),
        ]);
      }
      if (it.type === 'function_call_output') {
        return first([
          () => (it.call_id === undefined ? missingParam(`${p}.call_id`) : str(it.call_id, `${p}.call_id`)),
          () => (it.output === undefined ? missingParam(`${p}.output`) : str(it.output, `${p}.output`)),
        ]);
      }
      return it.approval_request_id === undefined ? missingParam(`${p}.approval_request_id`) : str(it.approval_request_id, `${p}.approval_request_id`);
    },
  ]);
}

const SESSION_LIKE = ['output_modalities', 'instructions', 'tools', 'tool_choice', 'max_output_tokens', 'prompt', 'reasoning', 'parallel_tool_calls'];

/** Re-label a session.* validation error as response.*. @param {import('../errors.mjs').ErrorReply} e */
function asResponse(e) {
  const fix = (s) => (typeof s === 'string' ? s.replace(/\bsession\./g, 'response.') : s);
  return { ...e, error: { ...e.error, message: fix(e.error.message), param: fix(e.error.param) } };
}

/**
 * response.create `response` (per-response overrides, §4.2).
 * @param {unknown} r @returns {import('../errors.mjs').ErrorReply|null}
 */
export function validateResponseOverrides(r) {
  if (!isObj(r)) return invalidType('response', 'an object', r);
  const o = /** @type {any} */ (r);
  const keysError = unknownKeys(o, [...SESSION_LIKE, 'audio', 'conversation', 'metadata', 'input'], 'response');
  if (keysError) return keysError;
  /** @type {Record<string, unknown>} */
  const session = { type: 'realtime' };
  for (const k of SESSION_LIKE) if (o[k] !== undefined) session[k] = o[k];
  if (o.audio !== undefined) {
    if (!isObj(o.audio)) return invalidType('response.audio', 'an object', o.audio);
    const extra = unknownKeys(o.audio, ['output'], 'response.audio');
    if (extra) return extra;
    if (o.audio.output !== undefined) {
      const outExtra = isObj(o.audio.output) ? unknownKeys(o.audio.output, ['format', 'voice'], 'response.audio.output') : null;
      if (outExtra) return outExtra;
      session.audio = { output: o.audio.output };
    }
  }
  const invalid = validateClientSecretBody({ session });
  if (invalid) return asResponse(invalid);
  return first([
    () => (o.conversation === undefined ? null : oneOf(o.conversation, 'response.conversation', ['auto', 'none'])),
    () => (o.metadata == null || isObj(o.metadata) ? null : invalidType('response.metadata', 'an object', o.metadata)),
    () => {
      if (o.input === undefined) return null;
      if (!Array.isArray(o.input)) return invalidType('response.input', 'an array', o.input);
      return first(o.input.map((/** @type {any} */ it, /** @type {number} */ i) => () => (isObj(it) && it.type === 'item_reference'
        ? (typeof it.id === 'string' ? null : missingParam(`response.input[${i}].id`))
        : validateItem(it, `response.input[${i}]`))));
    },
  ]);
}

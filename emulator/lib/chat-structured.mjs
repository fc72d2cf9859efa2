// Structured outputs for POST /v1/chat/completions: validation of `response_format` (`text`, `json_object`,
// `json_schema`) as OpenAI does it, and a deterministic, schema-valid JSON answer generated from the schema.
// Same input (messages + schema) → same JSON, so scoring built on it can be tested end to end.
import { apiError, invalidType, missingParam } from './errors.mjs';
import { COACHING_LINES, hash, messageText } from './chat-build.mjs';
import { first, isObj, obj, oneOf, str, unknownKeys } from './validate.mjs';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];
/** Property names whose strings are quoted from the user's words. */
export const QUOTE_KEY = /evidence|quote|excerpt|citation/i;

/** 400 for a schema strict mode does not accept: OpenAI's wording, `param: "response_format"`, code null. */
const badSchema = (name, context, what) =>
  apiError(400, `Invalid schema for response_format '${name}': In context=(${context.map((c) => `'${c}'`).join(', ')}${context.length === 1 ? ',' : ''}), ${what}`,
    { param: 'response_format' });

/** Resolve a local `$ref` (`#/$defs/X`, `#/definitions/X`, `#`). @param {any} root @param {any} s */
function deref(root, s) {
  let cur = s;
  for (let i = 0; i < 32 && isObj(cur) && typeof cur.$ref === 'string'; i++) {
    const ref = cur.$ref;
    if (!ref.startsWith('#')) return null;
    let t = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) t = isObj(t) ? t[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isObj(t)) return null;
    cur = t;
  }
  return cur;
}

/**
 * Strict-mode rules (a subset of OpenAI's): the root is an object; every object lists all its properties in
 * `required` and sets `additionalProperties: false`; `$ref`s resolve. Returns the first error or null.
 * @param {string} name @param {any} root
 */
function checkStrict(name, root) {
  if (root.type !== 'object' && !root.$ref && !root.anyOf)
    return apiError(400, `Invalid schema for response_format '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${Array.isArray(root.type) ? root.type.join('|') : root.type ?? 'None'}"'.`,
      { param: 'response_format' });
  /** @type {any} */
  let err = null;
  const seen = new Set();
  const walk = (s, ctx) => {
    if (err || !isObj(s) || seen.has(s)) return;
    seen.add(s);
    if (typeof s.$ref === 'string') {
      const t = deref(root, s);
      if (!t) err = badSchema(name, ctx, `reference '${s.$ref}' can't be resolved.`);
      else walk(t, ctx);
      return;
    }
    const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
    const bad = types.find((t) => !TYPES.includes(t));
    if (bad !== undefined) { err = badSchema(name, ctx, `'${bad}' is not a valid type.`); return; }
    if (types.includes('object') || isObj(s.properties)) {
      const keys = Object.keys(s.properties ?? {});
      if (s.additionalProperties !== false) { err = badSchema(name, ctx, "'additionalProperties' is required to be supplied and to be false."); return; }
      const req = Array.isArray(s.required) ? s.required : [];
      const missing = keys.filter((k) => !req.includes(k));
      if (!Array.isArray(s.required) || missing.length) {
        err = badSchema(name, ctx, `'required' is required to be supplied and to be an array including every key in properties.${missing.length ? ` Missing '${missing[0]}'.` : ''}`);
        return;
      }
      for (const k of keys) walk(s.properties[k], [...ctx, 'properties', k]);
    }
    if (s.items !== undefined) walk(s.items, [...ctx, 'items']);
    for (const key of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[key])) s[key].forEach((x, i) => walk(x, [...ctx, key, String(i)]));
    for (const key of ['$defs', 'definitions']) if (isObj(s[key])) for (const [k, v] of Object.entries(s[key])) walk(v, [...ctx, key, k]);
  };
  walk(root, []);
  return err;
}

/**
 * Validate `response_format` (only when present). `json_object` needs the word "json" somewhere in the
 * messages, as OpenAI requires.
 * @param {any} rf @param {any[]} messages
 */
export function validateResponseFormat(rf, messages) {
  return first([
    () => obj(rf, 'response_format'),
    () => (rf.type === undefined ? missingParam('response_format.type') : oneOf(rf.type, 'response_format.type', ['json_object', 'json_schema', 'text'])),
    () => unknownKeys(rf, rf.type === 'json_schema' ? ['type', 'json_schema'] : ['type'], 'response_format'),
    () => (rf.type !== 'json_object' || messages.some((m) => /json/i.test(messageText(m))) ? null
      : apiError(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", { param: 'messages' })),
    () => (rf.type !== 'json_schema' ? null : jsonSchema(rf.json_schema)),
  ]);
}

/** @param {any} js */
function jsonSchema(js) {
  const p = 'response_format.json_schema';
  return first([
    () => (js === undefined ? missingParam(p) : obj(js, p)),
    () => unknownKeys(js, ['name', 'description', 'schema', 'strict'], p),
    () => (js.name === undefined ? missingParam(`${p}.name`) : str(js.name, `${p}.name`)),
    () => (NAME.test(js.name) ? null : apiError(400,
      `Invalid '${p}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      { param: `${p}.name`, code: 'invalid_value' })),
    () => (js.description == null ? null : str(js.description, `${p}.description`)),
    () => (js.strict == null ? null : typeof js.strict === 'boolean' ? null : invalidType(`${p}.strict`, 'a boolean', js.strict)),
    () => (js.schema == null ? null : obj(js.schema, `${p}.schema`)),
    () => (js.strict === true ? (js.schema == null
      ? apiError(400, `Invalid schema for response_format '${js.name}': schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`, { param: 'response_format' })
      : checkStrict(js.name, js.schema)) : null),
  ]);
}

/** The texts that count as the user's words: user messages, newest last, with speaker labels understood. */
function userLines(messages) {
  let last = '';
  for (const m of messages) if (m.role === 'user') last = messageText(m);
  const lines = last.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const label = /^\[?([A-Za-z][A-Za-z ]{0,24})\]?\s*:\s*/;
  const USERISH = /^(user|executive|you|me|candidate|trainee|learner|speaker)$/i;
  const labelled = lines.map((l) => {
    const m = label.exec(l);
    return m ? { who: m[1].trim(), text: l.slice(m[0].length).trim() } : { who: null, text: l };
  });
  const mine = labelled.filter((l) => l.who && USERISH.test(l.who) && l.text);
  if (mine.length) return mine.map((l) => l.text);
  const unlabelled = labelled.filter((l) => !l.who && l.text && !/^[[{]/.test(l.text));
  return unlabelled.length ? unlabelled.map((l) => l.text) : lines;
}

/** Sentences of the user's lines (each a verbatim piece of one line). @param {string[]} lines */
function sentences(lines) {
  const out = [];
  for (const l of lines) for (const s of l.match(/[^.!?]+[.!?]*/g) ?? []) if (s.trim().length >= 3) out.push(s.trim());
  return out;
}

/**
 * A JSON value valid against `schema`, deterministic for the same messages and schema.
 * @param {any} schema @param {{ messages: any[], name?: string }} input
 */
export function generateFromSchema(schema, input) {
  const seed = hash(`${input.name ?? ''}\u0000${JSON.stringify(schema ?? {})}\u0000${input.messages.map((m) => `${m.role}:${messageText(m)}`).join('\u0001')}`);
  const quotes = sentences(userLines(input.messages));
  const h = (path) => hash(`${seed}:${path}`);
  const root = schema ?? {};

  /** @param {any} s @param {string} path @param {string} key nearest property name */
  const gen = (s, path, key, depth) => {
    if (depth > 12) return null;
    s = deref(root, s) ?? {};
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length) return s.enum[h(path) % s.enum.length];
    const alts = s.anyOf ?? s.oneOf;
    if (Array.isArray(alts) && alts.length) {
      const nonNull = alts.filter((a) => (deref(root, a) ?? {}).type !== 'null');
      return gen((nonNull.length ? nonNull : alts)[0], path, key, depth + 1);
    }
    if (Array.isArray(s.allOf) && s.allOf.length) return gen(Object.assign({}, ...s.allOf.map((a) => deref(root, a) ?? {})), path, key, depth + 1);
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [s.properties ? 'object' : s.items ? 'array' : 'string'];
    const type = types.find((t) => t !== 'null') ?? 'null';
    switch (type) {
      case 'object': {
        const out = {};
        const props = isObj(s.properties) ? s.properties : {};
        const req = Array.isArray(s.required) ? s.required : [];
        for (const k of req) out[k] = gen(props[k] ?? {}, `${path}.${k}`, k, depth + 1);
        return out;
      }
      case 'array': {
        const min = Number.isInteger(s.minItems) ? s.minItems : 0;
        const max = Number.isInteger(s.maxItems) ? s.maxItems : Math.max(min, 3);
        const n = Math.min(max, Math.max(min, 1 + (h(path) % 2)));
        return Array.from({ length: n }, (_, i) => gen(s.items ?? {}, `${path}[${i}]`, key, depth + 1));
      }
      case 'integer':
      case 'number': {
        let lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (type === 'integer' ? 1 : 0.01) : 0;
        let hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (type === 'integer' ? 1 : 0.01) : Math.max(lo, 0) + 100;
        if (type === 'integer') { lo = Math.ceil(lo); hi = Math.floor(hi); }
        if (hi < lo) hi = lo;
        if (type === 'integer') return lo + (h(path) % (hi - lo + 1));
        return Math.round((lo + ((h(path) % 1001) / 1000) * (hi - lo)) * 100) / 100;
      }
      case 'boolean':
        return h(path) % 2 === 0;
      case 'null':
        return null;
      default:
        return text(s, path, key);
    }
  };

  /** @param {any} s @param {string} path @param {string} key */
  const text = (s, path, key) => {
    let t;
    if (s.format === 'date-time') t = '2026-01-01T00:00:00Z';
    else if (s.format === 'date') t = '2026-01-01';
    else if (s.format === 'email') t = 'coach@example.com';
    else if (s.format === 'uri' || s.format === 'url') t = 'https://example.com/';
    else if (s.format === 'uuid') t = [8, 4, 4, 4, 12].map((n, i) => hash(`${path}:${i}`).toString(16).padStart(8, '0').repeat(2).slice(0, n)).join('-');
    else if (QUOTE_KEY.test(key) && quotes.length) t = quotes[h(path) % quotes.length];
    else t = COACHING_LINES[h(path) % COACHING_LINES.length];
    if (Number.isInteger(s.maxLength) && t.length > s.maxLength) t = t.slice(0, s.maxLength);
    if (Number.isInteger(s.minLength) && t.length < s.minLength) t = t.padEnd(s.minLength, '.');
    return t;
  };

  return gen(root, '$', '', 0);
}

/**
 * The message content for a structured request: a JSON string, or null when the request asks for text.
 * @param {any} body a validated request body
 */
export function structuredContent(body) {
  const rf = body.response_format;
  if (!rf || rf.type === 'text') return null;
  if (rf.type === 'json_object') {
    const lines = userLines(body.messages);
    const h = hash(body.messages.map((m) => messageText(m)).join('\u0001'));
    return JSON.stringify({ reply: COACHING_LINES[h % COACHING_LINES.length], quote: sentences(lines)[0] ?? '' });
  }
  const js = rf.json_schema;
  return JSON.stringify(generateFromSchema(js.schema ?? { type: 'object', properties: {}, required: [], additionalProperties: false },
    { messages: body.messages, name: js.name }));
}

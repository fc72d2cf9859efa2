// Validation of POST /v1/realtime/client_secrets bodies (GA shape, §1.1 and §4.1).
// Each check returns an ErrorReply (400) or null. First failure wins.
// The small checkers (isObj, str, obj, oneOf, num, first, unknownKeys) are shared with responses-validate.mjs.
import { invalidType, invalidValue, missingParam, outOfRange, unknownParam } from './errors.mjs';
import { REALTIME_VOICES, TRANSCRIPTION_MODELS } from './models.mjs';

export const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** @param {Record<string, unknown>} obj @param {string[]} allowed @param {string} prefix */
export function unknownKeys(obj, allowed, prefix) {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) return unknownParam(prefix ? `${prefix}.${k}` : k);
  return null;
}

export const str = (v, p) => (typeof v === 'string' ? null : invalidType(p, 'a string', v));
export const obj = (v, p) => (isObj(v) ? null : invalidType(p, 'an object', v));
export const oneOf = (v, p, values) => str(v, p) ?? (values.includes(v) ? null : invalidValue(p, v, values));
export function num(v, p, min, max, integer = false) {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    return invalidType(p, integer ? 'an integer' : 'a number', v);
  return v < min || v > max ? outOfRange(p, v, min, max) : null;
}
/** Run checks lazily and return the first error. @param {Array<() => any>} checks */
export const first = (checks) => {
  for (const c of checks) {
    const e = c();
    if (e) return e;
  }
  return null;
};

/** @param {unknown} v @param {string} p */
function expiresAfter(v, p) {
  return first([
    () => obj(v, p),
    () => unknownKeys(/** @type {any} */ (v), ['anchor', 'seconds'], p),
    () => (/** @type {any} */ (v).anchor === undefined ? null : oneOf(/** @type {any} */ (v).anchor, `${p}.anchor`, ['created_at'])),
    () => (/** @type {any} */ (v).seconds === undefined ? null : num(/** @type {any} */ (v).seconds, `${p}.seconds`, 10, 7200, true)),
  ]);
}

function format(v, p) {
  return first([
    () => obj(v, p),
    () => (v.type === undefined ? missingParam(`${p}.type`) : oneOf(v.type, `${p}.type`, ['audio/pcm', 'audio/pcmu', 'audio/pcma'])),
    () => unknownKeys(v, v.type === 'audio/pcm' ? ['type', 'rate'] : ['type'], p),
    () => (v.rate === undefined ? null : v.rate === 24000 ? null : invalidValue(`${p}.rate`, String(v.rate), ['24000'])),
  ]);
}

function turnDetection(v, p) {
  if (v === null) return null;
  const common = ['type', 'create_response', 'interrupt_response'];
  return first([
    () => obj(v, p),
    () => (v.type === undefined ? null : oneOf(v.type, `${p}.type`, ['server_vad', 'semantic_vad'])),
    () => unknownKeys(v, (v.type ?? 'server_vad') === 'semantic_vad' ? [...common, 'eagerness']
      : [...common, 'threshold', 'prefix_padding_ms', 'silence_duration_ms', 'idle_timeout_ms'], p),
    () => (v.eagerness === undefined ? null : oneOf(v.eagerness, `${p}.eagerness`, ['low', 'medium', 'high', 'auto'])),
    () => (v.threshold === undefined ? null : num(v.threshold, `${p}.threshold`, 0, 1)),
    ...['prefix_padding_ms', 'silence_duration_ms'].map((k) => () => (v[k] === undefined ? null : num(v[k], `${p}.${k}`, 0, 1e7, true))),
    () => (v.idle_timeout_ms == null ? null : num(v.idle_timeout_ms, `${p}.idle_timeout_ms`, 5000, 30000, true)),
  ]);
}

function audioInput(v, p) {
  return first([
    () => obj(v, p),
    () => unknownKeys(v, ['format', 'transcription', 'noise_reduction', 'turn_detection'], p),
    () => (v.format === undefined ? null : format(v.format, `${p}.format`)),
    () => (v.transcription == null ? null : first([
      () => obj(v.transcription, `${p}.transcription`),
      () => unknownKeys(v.transcription, ['model', 'language', 'prompt'], `${p}.transcription`),
      () => (v.transcription.model === undefined ? null : oneOf(v.transcription.model, `${p}.transcription.model`, TRANSCRIPTION_MODELS)),
      () => (v.transcription.language == null ? null : str(v.transcription.language, `${p}.transcription.language`)),
      () => (v.transcription.prompt == null ? null : str(v.transcription.prompt, `${p}.transcription.prompt`)),
    ])),
    () => (v.noise_reduction == null ? null : first([
      () => obj(v.noise_reduction, `${p}.noise_reduction`),
      () => unknownKeys(v.noise_reduction, ['type', 'strength'], `${p}.noise_reduction`),
      () => oneOf(v.noise_reduction.type, `${p}.noise_reduction.type`, ['near_field', 'far_field']),
    ])),
    () => (v.turn_detection === undefined ? null : turnDetection(v.turn_detection, `${p}.turn_detection`)),
  ]);
}

function audioOutput(v, p) {
  return first([
    () => obj(v, p),
    () => unknownKeys(v, ['format', 'voice', 'speed'], p),
    () => (v.format === undefined ? null : format(v.format, `${p}.format`)),
    () => {
      if (v.voice === undefined) return null;
      if (isObj(v.voice)) return typeof v.voice.id === 'string' && v.voice.id ? unknownKeys(v.voice, ['id'], `${p}.voice`) : missingParam(`${p}.voice.id`);
      return oneOf(v.voice, `${p}.voice`, REALTIME_VOICES);
    },
    () => (v.speed === undefined ? null : num(v.speed, `${p}.speed`, 0.25, 1.5)),
  ]);
}

function tools(v, p) {
  if (!Array.isArray(v)) return invalidType(p, 'an array', v);
  return first(v.map((t, i) => () => {
    const tp = `${p}[${i}]`;
    return first([
      () => obj(t, tp),
      () => (t.type === undefined ? missingParam(`${tp}.type`) : oneOf(t.type, `${tp}.type`, ['function', 'mcp'])),
      () => (t.type === 'function' ? first([
        () => unknownKeys(t, ['type', 'name', 'description', 'parameters'], tp),
        () => (t.name === undefined ? missingParam(`${tp}.name`) : str(t.name, `${tp}.name`)),
        () => (t.description === undefined ? null : str(t.description, `${tp}.description`)),
        () => (t.parameters === undefined ? null : obj(t.parameters, `${tp}.parameters`)),
      ]) : t.server_label === undefined ? missingParam(`${tp}.server_label`) : null),
    ]);
  }));
}

function toolChoice(v, p) {
  if (typeof v === 'string') return oneOf(v, p, ['auto', 'none', 'required']);
  return first([
    () => obj(v, p),
    () => oneOf(v.type, `${p}.type`, ['function', 'mcp']),
    () => (v.type === 'function' ? str(v.name, `${p}.name`) : str(v.server_label, `${p}.server_label`)),
  ]);
}

const REALTIME_KEYS = ['type', 'model', 'instructions', 'output_modalities', 'audio', 'tools', 'tool_choice',
  'parallel_tool_calls', 'reasoning', 'max_output_tokens', 'truncation', 'tracing', 'prompt', 'include'];

function include(v, p) {
  if (v === null) return null;
  if (!Array.isArray(v)) return invalidType(p, 'an array', v);
  return first(v.map((x, i) => () => oneOf(x, `${p}[${i}]`, ['item.input_audio_transcription.logprobs'])));
}

/** @param {any} s @param {string} p */
function realtimeSession(s, p) {
  const a = s.audio;
  return first([
    () => unknownKeys(s, REALTIME_KEYS, p),
    () => (s.model === undefined ? null : str(s.model, `${p}.model`)),
    () => (s.instructions === undefined ? null : str(s.instructions, `${p}.instructions`)),
    () => (s.output_modalities === undefined ? null : !Array.isArray(s.output_modalities)
      ? invalidType(`${p}.output_modalities`, 'an array', s.output_modalities)
      : s.output_modalities.length !== 1 ? invalidValue(`${p}.output_modalities`, s.output_modalities, ['["audio"]', '["text"]'])
      : oneOf(s.output_modalities[0], `${p}.output_modalities[0]`, ['audio', 'text'])),
    () => (a === undefined ? null : first([
      () => obj(a, `${p}.audio`),
      () => unknownKeys(a, ['input', 'output'], `${p}.audio`),
      () => (a.input === undefined ? null : audioInput(a.input, `${p}.audio.input`)),
      () => (a.output === undefined ? null : audioOutput(a.output, `${p}.audio.output`)),
    ])),
    () => (s.tools === undefined ? null : tools(s.tools, `${p}.tools`)),
    () => (s.tool_choice === undefined ? null : toolChoice(s.tool_choice, `${p}.tool_choice`)),
    () => (s.parallel_tool_calls === undefined || typeof s.parallel_tool_calls === 'boolean' ? null
      : invalidType(`${p}.parallel_tool_calls`, 'a boolean', s.parallel_tool_calls)),
    () => (s.reasoning === undefined ? null : first([
      () => obj(s.reasoning, `${p}.reasoning`),
      () => unknownKeys(s.reasoning, ['effort'], `${p}.reasoning`),
      () => (s.reasoning.effort === undefined ? null : oneOf(s.reasoning.effort, `${p}.reasoning.effort`, ['minimal', 'low', 'medium', 'high', 'xhigh'])),
    ])),
    () => (s.max_output_tokens === undefined || s.max_output_tokens === 'inf' ? null
      : num(s.max_output_tokens, `${p}.max_output_tokens`, 1, 4096, true)),
    () => (s.truncation === undefined || isObj(s.truncation) ? null : oneOf(s.truncation, `${p}.truncation`, ['auto', 'disabled'])),
    () => (s.tracing == null || isObj(s.tracing) ? null : oneOf(s.tracing, `${p}.tracing`, ['auto'])),
    () => (s.prompt == null ? null : obj(s.prompt, `${p}.prompt`) ?? (typeof s.prompt.id === 'string' ? null : missingParam(`${p}.prompt.id`))),
    () => (s.include === undefined ? null : include(s.include, `${p}.include`)),
  ]);
}

/** @param {any} s @param {string} p */
function transcriptionSession(s, p) {
  return first([
    () => unknownKeys(s, ['type', 'audio', 'include'], p),
    () => (s.audio === undefined ? null : first([
      () => obj(s.audio, `${p}.audio`),
      () => unknownKeys(s.audio, ['input'], `${p}.audio`),
      () => (s.audio.input === undefined ? null : audioInput(s.audio.input, `${p}.audio.input`)),
    ])),
    () => (s.include === undefined ? null : include(s.include, `${p}.include`)),
  ]);
}

/**
 * Validate a client_secrets request body (already parsed JSON).
 * @param {unknown} body
 * @returns {import('./errors.mjs').ErrorReply|null}
 */
export function validateClientSecretBody(body) {
  if (!isObj(body)) return invalidType('body', 'an object', body);
  const b = /** @type {any} */ (body);
  return first([
    () => unknownKeys(b, ['expires_after', 'session'], ''),
    () => (b.expires_after === undefined ? null : expiresAfter(b.expires_after, 'expires_after')),
    () => (b.session === undefined ? null : obj(b.session, 'session')),
    () => (b.session === undefined ? null : b.session.type === undefined ? missingParam('session.type')
      : oneOf(b.session.type, 'session.type', ['realtime', 'transcription'])),
    () => (b.session === undefined ? null
      : b.session.type === 'realtime' ? realtimeSession(b.session, 'session') : transcriptionSession(b.session, 'session')),
  ]);
}

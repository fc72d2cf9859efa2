// Validation and wire facts of POST /v1/audio/speech (§9.2).
import { apiError, emptyString, invalidType, missingParam, modelNotFound } from './errors.mjs';
import { CATALOG } from './models.mjs';
import { first, isObj, num, oneOf, str, unknownKeys } from './validate.mjs';

export const TTS_MODELS = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'gpt-4o-mini-tts-2025-12-15'];
export const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
/** The voices tts-1 and tts-1-hd have (ballad, verse, marin and cedar are gpt-4o-mini-tts only). */
export const TTS1_VOICES = ['alloy', 'ash', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer'];
export const FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'];
/** Formats this emulator can produce (mp3 is silent audio of the right duration; aac has no encoder here). */
export const EMULATED_FORMATS = ['mp3', 'opus', 'flac', 'wav', 'pcm'];
export const MAX_INPUT = 4096;

export const CONTENT_TYPES = {
  mp3: 'audio/mpeg', opus: 'audio/opus', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm',
};

const tooLong = (p, len) => apiError(400,
  `Invalid '${p}': string too long. Expected a string with maximum length ${MAX_INPUT}, but got a string with length ${len} instead.`,
  { param: p, code: 'string_above_max_length' });

/**
 * Validate a speech request body; null when valid.
 * @param {unknown} body @returns {import('./errors.mjs').ErrorReply|null}
 */
export function validateSpeechBody(body) {
  if (!isObj(body)) return invalidType('body', 'an object', body);
  const b = /** @type {any} */ (body);
  const tts1 = b.model === 'tts-1' || b.model === 'tts-1-hd';
  return first([
    () => unknownKeys(b, ['model', 'input', 'voice', 'instructions', 'response_format', 'speed', 'stream_format'], ''),
    () => (b.model === undefined ? missingParam('model') : str(b.model, 'model') ?? (b.model ? null : emptyString('model'))),
    () => (b.input === undefined ? missingParam('input') : str(b.input, 'input') ?? (b.input ? null : emptyString('input'))),
    () => (b.input.length > MAX_INPUT ? tooLong('input', b.input.length) : null),
    () => (b.voice === undefined ? missingParam('voice')
      : isObj(b.voice) ? (typeof b.voice.id === 'string' && b.voice.id ? unknownKeys(b.voice, ['id'], 'voice') : missingParam('voice.id'))
        : oneOf(b.voice, 'voice', VOICES)),
    () => (b.instructions == null ? null : str(b.instructions, 'instructions') ?? (b.instructions.length > MAX_INPUT ? tooLong('instructions', b.instructions.length) : null)),
    () => (b.response_format == null ? null : oneOf(b.response_format, 'response_format', FORMATS)),
    () => (b.speed == null ? null : num(b.speed, 'speed', 0.25, 4)),
    () => (b.stream_format == null ? null : oneOf(b.stream_format, 'stream_format', ['sse', 'audio'])),
    () => checkModel(b.model),
    () => (tts1 && typeof b.voice === 'string' && !TTS1_VOICES.includes(b.voice)
      ? apiError(400, `Voice '${b.voice}' is not available for model '${b.model}'. Use one of: ${TTS1_VOICES.join(', ')}.`, { param: 'voice', code: 'invalid_value' }) : null),
    () => (tts1 && b.instructions != null
      ? apiError(400, `'instructions' is not supported with model '${b.model}'. Use gpt-4o-mini-tts.`, { param: 'instructions', code: 'unsupported_parameter' }) : null),
    () => (tts1 && b.stream_format === 'sse'
      ? apiError(400, `stream_format 'sse' is not supported with model '${b.model}'. Use gpt-4o-mini-tts or stream_format 'audio'.`, { param: 'stream_format', code: 'unsupported_value' }) : null),
    () => (b.response_format === 'aac'
      ? apiError(400, "The OpenAI emulator cannot encode 'aac'. Supported here: 'wav', 'pcm', 'opus', 'flac' and 'mp3' (silent).", { param: 'response_format', code: 'unsupported_value' }) : null),
  ]);
}

/** @param {string} model */
function checkModel(model) {
  if (TTS_MODELS.includes(model)) return null;
  if (CATALOG.some((m) => m.id === model)) return apiError(400, `Invalid value: '${model}'. Supported values are: ${TTS_MODELS.map((m) => `'${m}'`).join(', ')}.`, { param: 'model', code: 'invalid_value' });
  return modelNotFound(model);
}

/** Token estimates for `speech.audio.done` (text: ceil(chars/4); audio: 20 tokens per second). @param {string} input @param {number} samples */
export const speechUsage = (input, samples) => {
  const input_tokens = Math.ceil(input.length / 4);
  const output_tokens = Math.ceil((samples / 24_000) * 20);
  return { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
};

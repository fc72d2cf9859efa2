// POST /v1/audio/transcriptions (§9.3): multipart parsing (undici's Request.formData(), built into Node 20),
// validation, audio sniffing, WAV silence detection and the response formats.
import { apiError, invalidType, invalidValue, missingParam, modelNotFound } from './errors.mjs';
import { CATALOG } from './models.mjs';
import { parseWavPcm16 } from './audio-tts.mjs';

export const TRANSCRIBE_MODELS = ['whisper-1', 'gpt-transcribe', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-transcribe-diarize'];
export const FILE_FORMATS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'];
/** OpenAI's upload limit: 25 MiB of request content. */
export const MAX_CONTENT_BYTES = 25 * 1024 * 1024;
const FIELDS = ['file', 'model', 'language', 'prompt', 'response_format', 'temperature', 'stream', 'chunking_strategy',
  'timestamp_granularities[]', 'include[]', 'known_speaker_names[]', 'known_speaker_references[]'];
/** Max |sample| of a WAV the emulator treats as silence (about −50 dBFS). */
export const SILENCE_PEAK = 100;
const LANGUAGES = { en: 'english', de: 'german', fr: 'french', es: 'spanish', it: 'italian', nl: 'dutch', pt: 'portuguese', ja: 'japanese' };

export const invalidFileFormat = () => apiError(400, `Invalid file format. Supported formats: [${FILE_FORMATS.map((f) => `'${f}'`).join(', ')}]`);

/** The 413 OpenAI sends for uploads over the limit. @param {number} limit @param {string} [contentLength] */
export const contentTooLarge = (limit, contentLength) => apiError(413,
  `Maximum content size limit (${limit}) exceeded (${contentLength ?? `more than ${limit}`} bytes read)`, { type: 'server_error' });

/**
 * Parse the multipart body with undici's Request.formData().
 * @param {Buffer} raw @param {string|undefined} contentType
 * @returns {Promise<FormData|import('./errors.mjs').ErrorReply>}
 */
export async function parseForm(raw, contentType) {
  const mime = String(contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime !== 'multipart/form-data')
    return apiError(400, `Invalid Content-Type header (${mime || 'none'}), expected multipart/form-data. (HINT: send the audio as a 'file' part of a multipart form, with the 'model' part.)`);
  try {
    return await new Request('http://emulator.local/', { method: 'POST', headers: { 'content-type': String(contentType) }, body: /** @type {any} */ (raw) }).formData();
  } catch {
    return apiError(400, 'Could not parse the multipart form body.');
  }
}

/** The container an upload's bytes look like, or null. @param {Uint8Array} b */
export function sniffAudio(b) {
  const ascii = (from, to) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 3) === 'ID3' || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return 'mp3';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return 'mp4';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  return null;
}

/**
 * Validate the form. Returns the checked request or an ErrorReply.
 * @param {FormData} form @param {{ realtimeAccess: boolean }} who
 */
export async function readTranscriptionForm(form, who) {
  for (const k of form.keys()) if (!FIELDS.includes(k)) return apiError(400, `Unrecognized request argument supplied: ${k}`);
  const text = (k) => {
    const v = form.get(k);
    return typeof v === 'string' ? v : v == null ? undefined : null; // null: a file where a value was expected
  };
  const model = text('model');
  if (model === undefined || model === '') return missingParam('model');
  if (model === null) return invalidType('model', 'a string', {});
  const file = form.get('file');
  if (file == null) return missingParam('file');
  if (typeof file === 'string') return invalidType('file', 'a file', file);
  const format = text('response_format') ?? 'json';
  if (format === null || !RESPONSE_FORMATS.includes(format)) return invalidValue('response_format', String(format), RESPONSE_FORMATS);
  const temperature = text('temperature');
  if (temperature != null && !(Number.isFinite(Number(temperature)) && Number(temperature) >= 0 && Number(temperature) <= 1))
    return apiError(400, `Invalid 'temperature': expected a number between 0 and 1, but got '${temperature}' instead.`, { param: 'temperature', code: 'invalid_value' });
  const language = text('language');
  if (language != null && !/^[a-z]{2,3}$/i.test(language))
    return apiError(400, `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`, { param: 'language', code: 'invalid_language_format' });
  if (!TRANSCRIBE_MODELS.includes(model)) {
    const known = CATALOG.some((m) => m.id === model && (who.realtimeAccess || !m.realtime));
    return known ? invalidValue('model', model, TRANSCRIBE_MODELS) : modelNotFound(model);
  }
  const gpt = model !== 'whisper-1';
  const allowed = model === 'gpt-4o-transcribe-diarize' ? ['json', 'text', 'diarized_json'] : gpt ? ['json', 'text'] : RESPONSE_FORMATS.filter((f) => f !== 'diarized_json');
  if (!allowed.includes(format))
    return apiError(400, `response_format '${format}' is not compatible with model '${model}'. Use ${allowed.map((f) => `'${f}'`).join(' or ')} instead.`,
      { param: 'response_format', code: 'unsupported_value' });
  const ext = /\.([a-z0-9]+)$/i.exec(file.name ?? '')?.[1]?.toLowerCase();
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!ext || !FILE_FORMATS.includes(ext) || !bytes.length || !sniffAudio(bytes)) return invalidFileFormat();
  return {
    model, format, bytes, language: language ?? null, container: /** @type {string} */ (sniffAudio(bytes)),
    stream: text('stream') === 'true' && gpt,
    words: form.getAll('timestamp_granularities[]').includes('word'),
  };
}

/** Duration (s) and silence of an upload: exact for PCM16 WAV; others estimated at 16 kB per second, never silent. @param {Uint8Array} bytes */
export function inspectAudio(bytes) {
  const wav = parseWavPcm16(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (!wav) return { seconds: Math.max(0.1, bytes.length / 16_000), silent: false };
  let peak = 0;
  for (let i = 0; i < wav.pcm.length && peak <= SILENCE_PEAK; i++) peak = Math.max(peak, Math.abs(wav.pcm[i]));
  return { seconds: wav.pcm.length / wav.channels / wav.rate, silent: peak <= SILENCE_PEAK };
}

const stamp = (s, sep) => {
  const ms = Math.round(s * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
};

/** Word timings spread evenly over the duration. @param {string} text @param {number} seconds */
function wordTimings(text, seconds) {
  const words = text.split(/\s+/).filter(Boolean);
  const step = words.length ? seconds / words.length : 0;
  return words.map((w, i) => ({ word: w.replace(/[^\p{L}\p{N}'-]/gu, ''), start: +(i * step).toFixed(2), end: +((i + 1) * step).toFixed(2) }));
}

/**
 * The response for a transcript.
 * @param {{ model: string, format: string, language: string|null, words: boolean }} req
 * @param {string} text @param {number} seconds
 * @returns {{ contentType: string, body: string|object }}
 */
export function transcriptionBody(req, text, seconds) {
  const dur = +seconds.toFixed(2);
  const usage = req.model === 'whisper-1' ? { type: 'duration', seconds: Math.ceil(seconds) } : (() => {
    const audio = Math.ceil(seconds * 10);
    const out = Math.ceil(text.length / 4);
    return { type: 'tokens', input_tokens: audio, input_token_details: { text_tokens: 0, audio_tokens: audio }, output_tokens: out, total_tokens: audio + out };
  })();
  const cue = (sep) => (text ? `${stamp(0, sep)} --> ${stamp(seconds, sep)}\n${text}\n\n` : '');
  switch (req.format) {
    case 'text': return { contentType: 'text/plain; charset=utf-8', body: `${text}\n` };
    case 'srt': return { contentType: 'text/plain; charset=utf-8', body: text ? `1\n${cue(',')}` : '' };
    case 'vtt': return { contentType: 'text/plain; charset=utf-8', body: `WEBVTT\n\n${cue('.')}` };
    case 'verbose_json': return { contentType: 'application/json', body: {
      task: 'transcribe', language: LANGUAGES[/** @type {keyof LANGUAGES} */ (req.language ?? 'en')] ?? req.language, duration: dur, text,
      segments: text ? [{ id: 0, seek: 0, start: 0, end: dur, text: ` ${text}`, tokens: [], temperature: 0, avg_logprob: -0.2,
        compression_ratio: 1.2, no_speech_prob: 0.01 }] : [],
      ...(req.words ? { words: wordTimings(text, seconds) } : {}),
      usage } };
    case 'diarized_json': return { contentType: 'application/json', body: {
      task: 'transcribe', duration: dur, text,
      segments: text ? [{ type: 'transcript.text.segment', id: 'seg_0', start: 0, end: dur, speaker: 'A', text }] : [], usage } };
    default: return { contentType: 'application/json', body: { text, usage } };
  }
}

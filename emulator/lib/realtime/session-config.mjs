// The effective realtime session config: the starting config (minted with the ek_ secret, or built
// from ?model= for sk- keys) and `session.update` merging (GA shape only, §4.1/§4.2).
import { apiError, invalidValue, missingParam } from '../errors.mjs';
import { deepMerge, effectiveSession, semanticVadDefaults, serverVadDefaults } from '../session.mjs';
import { isObj, validateClientSecretBody } from '../validate.mjs';
import { sessionId } from '../ids.mjs';

/** Top-level keys of the beta (flat) session shape that GA does not have. */
const BETA_KEYS = ['modalities', 'voice', 'input_audio_format', 'output_audio_format', 'input_audio_transcription',
  'input_audio_noise_reduction', 'turn_detection', 'temperature', 'max_response_output_tokens', 'speed'];

const clone = (v) => JSON.parse(JSON.stringify(v));

/**
 * The session a new connection starts with: a copy of `base` with a fresh `sess_` id and
 * `expires_at` = connection time + the maximum session duration (unix seconds).
 * @param {{ base?: any, model?: string, intent?: string|null, defaultModel?: string, nowMs: number, maxSessionMs: number }} o
 */
export function initialSession(o) {
  const base = o.base
    ? clone(o.base)
    : effectiveSession(o.intent === 'transcription' ? { type: 'transcription' } : { type: 'realtime', ...(o.model ? { model: o.model } : {}) },
      { id: '', defaultModel: o.defaultModel });
  base.id = sessionId();
  base.expires_at = Math.floor((o.nowMs + o.maxSessionMs) / 1000);
  return base;
}

/** Turn detection merge: a type change starts from that type's defaults. */
function mergeTurnDetection(base, over) {
  if (over === undefined) return base;
  if (!isObj(over)) return clone(over);
  const type = over.type ?? base?.type ?? 'server_vad';
  const start = type === 'semantic_vad' ? semanticVadDefaults() : serverVadDefaults();
  return deepMerge(isObj(base) && base.type === type ? base : start, over);
}

/** @param {any} voice */
const voiceKey = (voice) => (isObj(voice) ? voice.id : voice);

/**
 * Apply a client `session.update` payload.
 * @param {any} current the effective session
 * @param {unknown} update the event's `session`
 * @param {{ audioProduced: boolean }} ctx
 * @returns {{ session: any, notes: string[] } | { error: import('../errors.mjs').ErrorReply }}
 */
export function applySessionUpdate(current, update, ctx) {
  if (update === undefined) return { error: missingParam('session') };
  if (!isObj(update)) return { error: apiError(400, `Invalid type for 'session': expected an object, but got ${Array.isArray(update) ? 'an array' : update === null ? 'null' : `a ${typeof update}`} instead.`, { param: 'session', code: 'invalid_type' }) };
  const u = /** @type {Record<string, any>} */ (update);
  if (u.type === undefined) {
    const beta = Object.keys(u).find((k) => BETA_KEYS.includes(k));
    if (beta) {
      return { error: apiError(400, `Unknown parameter: 'session.${beta}'. This looks like the beta session shape, which is no longer supported: send a GA session with "type": "${current.type}".`, { param: `session.${beta}`, code: 'unknown_parameter' }) };
    }
    return { error: missingParam('session.type') };
  }
  if (u.type !== current.type) {
    if (u.type === 'realtime' || u.type === 'transcription')
      return { error: apiError(400, `Invalid value: '${u.type}'. The session type cannot change from '${current.type}' after the session was created.`, { param: 'session.type', code: 'invalid_value' }) };
    return { error: invalidValue('session.type', u.type, ['realtime', 'transcription']) };
  }
  const invalid = validateClientSecretBody({ session: u });
  if (invalid) return { error: invalid };

  /** @type {string[]} */
  const notes = [];
  const next = deepMerge(current, u);
  if (next.audio?.input) next.audio.input.turn_detection = mergeTurnDetection(current.audio?.input?.turn_detection, u.audio?.input?.turn_detection);
  // Fixed fields.
  next.id = current.id;
  next.object = current.object;
  next.expires_at = current.expires_at;
  if (current.type === 'realtime') {
    if (u.model !== undefined && u.model !== current.model) notes.push(`model change to '${u.model}' ignored (the model cannot be updated)`);
    next.model = current.model;
    const oldVoice = voiceKey(current.audio?.output?.voice);
    const newVoice = voiceKey(next.audio?.output?.voice);
    if (ctx.audioProduced && newVoice !== oldVoice) {
      return { error: apiError(400, 'Cannot update a conversation\'s voice if assistant audio is present.', { param: 'session.audio.output.voice', code: 'cannot_update_voice' }) };
    }
    if (current.tracing != null && u.tracing !== undefined && JSON.stringify(u.tracing) !== JSON.stringify(current.tracing)) {
      notes.push('tracing change ignored (tracing cannot change once enabled)');
      next.tracing = current.tracing;
    }
  }
  return { session: next, notes };
}

// Settings of the fallback-mode routes (chat completions, speech, transcriptions): stream pacing, the
// speech engine, and the transcript list served by POST /v1/audio/transcriptions (per API key, in order,
// then the default sentence again and again). One instance per emulator; reset() restores the
// startEmulator values.
import { maskKey } from './errors.mjs';

export const DEFAULT_TRANSCRIPT = 'I want to prepare my leadership team for our AI rollout next quarter.';

/**
 * @typedef {object} FallbackConfig
 * @property {number} chatChunkMs     pause between two streamed chat.completion.chunk frames (default 15)
 * @property {number} speechChunkMs   pause between two streamed audio body chunks (default 0)
 * @property {'auto'|'espeak-ng'|'tone'} speechEngine  'auto' uses espeak-ng when installed, else the tone
 * @property {string} espeakPath      espeak-ng binary (default /usr/bin/espeak-ng, or $EMULATOR_ESPEAK)
 */

/** @type {FallbackConfig} */
const DEFAULTS = Object.freeze({
  chatChunkMs: 15,
  speechChunkMs: 0,
  speechEngine: 'auto',
  espeakPath: process.env.EMULATOR_ESPEAK || '/usr/bin/espeak-ng',
});

/** Validate a partial config. Throws TypeError. @param {any} c */
function checkConfig(c) {
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new TypeError('the config must be an object');
  for (const [k, v] of Object.entries(c)) {
    if (!(k in DEFAULTS)) throw new TypeError(`unknown option '${k}'`);
    if ((k === 'chatChunkMs' || k === 'speechChunkMs') && !(typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 60_000))
      throw new TypeError(`'${k}' must be a number from 0 to 60000`);
    if (k === 'speechEngine' && !['auto', 'espeak-ng', 'tone'].includes(v)) throw new TypeError("'speechEngine' must be 'auto', 'espeak-ng' or 'tone'");
    if (k === 'espeakPath' && (typeof v !== 'string' || !v)) throw new TypeError("'espeakPath' must be a non-empty string");
  }
  return c;
}

/** @param {unknown} list */
function checkTranscripts(list) {
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) throw new TypeError('transcripts must be an array of strings');
  return [...list];
}

/**
 * @param {{ fallbackConfig?: Partial<FallbackConfig>, transcripts?: string[], defaultTranscript?: string }} [options]
 */
export function createFallbackSettings(options = {}) {
  const baseConfig = { ...DEFAULTS, ...checkConfig({ ...(options.fallbackConfig ?? {}) }) };
  const baseTranscripts = checkTranscripts(options.transcripts ?? []);
  const baseDefault = options.defaultTranscript ?? DEFAULT_TRANSCRIPT;
  if (typeof baseDefault !== 'string') throw new TypeError("'defaultTranscript' must be a string");

  let config = { ...baseConfig };
  let transcripts = [...baseTranscripts];
  let defaultTranscript = baseDefault;
  /** @type {Map<string, number>} transcripts served so far, per API key */
  let served = new Map();

  return {
    get config() {
      return { ...config };
    },
    /** Merge options (null restores the startEmulator config). Throws TypeError. @param {Partial<FallbackConfig>|null} c */
    setConfig(c) {
      config = c == null ? { ...baseConfig } : { ...config, ...checkConfig(c) };
      return { ...config };
    },
    /**
     * Replace the transcript list (null restores the startEmulator list). Restarts every key's position.
     * @param {string[]|{transcripts?: string[], default?: string}|null} t
     */
    setTranscripts(t) {
      if (t == null) {
        transcripts = [...baseTranscripts];
        defaultTranscript = baseDefault;
      } else if (Array.isArray(t)) transcripts = checkTranscripts(t);
      else if (typeof t === 'object') {
        for (const k of Object.keys(t)) if (k !== 'transcripts' && k !== 'default') throw new TypeError(`unknown option '${k}'`);
        if (t.default !== undefined && typeof t.default !== 'string') throw new TypeError("'default' must be a string");
        if (t.transcripts !== undefined) transcripts = checkTranscripts(t.transcripts);
        if (t.default !== undefined) defaultTranscript = t.default;
      } else throw new TypeError('transcripts must be an array of strings or {transcripts, default}');
      served = new Map();
      return this.transcriptState();
    },
    transcriptState() {
      return { transcripts: [...transcripts], default: defaultTranscript, served: Object.fromEntries([...served].map(([k, n]) => [maskKey(k), n])) };
    },
    /** The next transcript for an API key (the key is only used as a map key). @param {string} key */
    nextTranscript(key) {
      const n = served.get(key) ?? 0;
      served.set(key, n + 1);
      return n < transcripts.length ? transcripts[n] : defaultTranscript;
    },
    reset() {
      config = { ...baseConfig };
      transcripts = [...baseTranscripts];
      defaultTranscript = baseDefault;
      served = new Map();
    },
  };
}

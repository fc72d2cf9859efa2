// Emulator-wide realtime settings, read by each session when it starts: the conversation script and
// the timing config. Set through startEmulator({ realtimeScript, realtimeConfig }), emu.setRealtime*()
// or POST /__emulator/realtime/{script,config}; reset() restores the startEmulator values.
import { DEFAULT_SCRIPT, normalizeScript } from './conversation-script.mjs';

/**
 * @typedef {object} RealtimeConfig
 * @property {number} maxSessionMs         maximum session duration (default 60 min) → error session_expired + close 1001
 * @property {number} msPerChar            synthesised speech per character of the reply (default 60 ms)
 * @property {number} audioSpeed           generation pace vs real time (default 1.5: audio is produced 1.5× faster than it plays)
 * @property {number} responseDelayMs      response.created → first output item (default 150 ms)
 * @property {number} transcriptionDelayMs commit → first transcription delta (default 80 ms)
 * @property {number} textMsPerWord        text-only responses: ms between words (default 30)
 */

/** @type {RealtimeConfig} */
export const DEFAULT_REALTIME_CONFIG = Object.freeze({
  maxSessionMs: 60 * 60 * 1000,
  msPerChar: 60,
  audioSpeed: 1.5,
  responseDelayMs: 150,
  transcriptionDelayMs: 80,
  textMsPerWord: 30,
});

/** Valid ranges: [min, max] (min exclusive when marked). */
const RANGES = {
  maxSessionMs: [1, 7 * 24 * 3600 * 1000],
  msPerChar: [1, 1000],
  audioSpeed: [0.1, 1000],
  responseDelayMs: [0, 60000],
  transcriptionDelayMs: [0, 60000],
  textMsPerWord: [0, 10000],
};

/**
 * Validate a partial config; throws TypeError.
 * @param {unknown} partial @returns {Partial<RealtimeConfig>}
 */
export function normalizeRealtimeConfig(partial) {
  if (!partial || typeof partial !== 'object' || Array.isArray(partial)) throw new TypeError('the realtime config must be an object');
  /** @type {Record<string, number>} */
  const out = {};
  for (const [k, v] of Object.entries(partial)) {
    const range = RANGES[/** @type {keyof RANGES} */ (k)];
    if (!range) throw new TypeError(`unknown realtime config option '${k}' (known: ${Object.keys(RANGES).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < range[0] || v > range[1])
      throw new TypeError(`'${k}' must be a number from ${range[0]} to ${range[1]}`);
    out[k] = v;
  }
  return out;
}

/** @param {{ realtimeScript?: unknown, realtimeConfig?: unknown }} [options] */
export function createRealtimeSettings(options = {}) {
  const initialScript = options.realtimeScript === undefined ? DEFAULT_SCRIPT : normalizeScript(options.realtimeScript);
  const initialConfig = { ...DEFAULT_REALTIME_CONFIG, ...(options.realtimeConfig === undefined ? {} : normalizeRealtimeConfig(options.realtimeConfig)) };
  let script = initialScript;
  let config = { ...initialConfig };
  return {
    /** @returns {import('./conversation-script.mjs').ScriptTurn[]} */
    get script() {
      return script;
    },
    /** @returns {RealtimeConfig} */
    get config() {
      return { ...config };
    },
    /** Replace the script (null → the startEmulator / default script). @param {unknown} s */
    setScript(s) {
      script = s == null ? initialScript : normalizeScript(s);
      return script;
    },
    /** Merge config options (null → the startEmulator / default config). @param {unknown} partial */
    setConfig(partial) {
      config = partial == null ? { ...initialConfig } : { ...config, ...normalizeRealtimeConfig(partial) };
      return { ...config };
    },
    reset() {
      script = initialScript;
      config = { ...initialConfig };
    },
  };
}

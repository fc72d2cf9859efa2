// API-key registry and Bearer authentication (§10).
import { invalidKey, missingKey } from './errors.mjs';

/** @typedef {{ realtime: boolean }} KeyInfo */

/** @type {Record<string, KeyInfo>} */
export const DEFAULT_KEYS = {
  'sk-test-realtime': { realtime: true },
  'sk-test-standard': { realtime: false },
};

/** Prefix of keys accepted without registration, all realtime-capable. */
export const EMU_KEY_PREFIX = 'sk-emu-';

/**
 * @param {{ keys?: Record<string, Partial<KeyInfo>>, acceptEmuKeys?: boolean }} [options]
 */
export function createKeyRegistry(options = {}) {
  /** @type {Map<string, KeyInfo>} */
  const keys = new Map();
  for (const [k, v] of Object.entries(options.keys ?? DEFAULT_KEYS)) {
    keys.set(k, { realtime: Boolean(v?.realtime) });
  }
  const acceptEmu = options.acceptEmuKeys !== false;

  /** @param {string} key @returns {KeyInfo|null} */
  function lookup(key) {
    const known = keys.get(key);
    if (known) return known;
    if (acceptEmu && key.startsWith(EMU_KEY_PREFIX) && key.length > EMU_KEY_PREFIX.length) {
      return { realtime: true };
    }
    return null;
  }

  /**
   * Authenticate a request from its Authorization header.
   * @param {string|undefined} header
   * @returns {{ ok: true, key: string, info: KeyInfo } | { ok: false, reply: import('./errors.mjs').ErrorReply }}
   */
  function authenticate(header) {
    const m = /^Bearer\s+(\S.*)$/i.exec(String(header ?? '').trim());
    if (!m) return { ok: false, reply: missingKey() };
    const key = m[1].trim();
    const info = lookup(key);
    if (!info) return { ok: false, reply: invalidKey(key) };
    return { ok: true, key, info };
  }

  return { lookup, authenticate };
}

/** Extract the bearer token (or null) without validating it. @param {string|undefined} header */
export function bearerOf(header) {
  const m = /^Bearer\s+(\S.*)$/i.exec(String(header ?? '').trim());
  return m ? m[1].trim() : null;
}

// Observable emulator state: per-route request counts, the last request per route,
// a bounded history, and the store of minted ephemeral secrets.
import { maskKey } from './errors.mjs';

const HISTORY_LIMIT = 500;

/**
 * @typedef {{ value: string, expires_at: number, created_at: number, session: any, key: string }} SecretRecord
 */

/** Headers with the Authorization value masked (the full key is never kept). @param {import('node:http').IncomingHttpHeaders} h */
export function safeHeaders(h) {
  /** @type {Record<string, unknown>} */
  const out = { ...h };
  if (typeof out.authorization === 'string') {
    const m = /^(Bearer\s+)(.*)$/i.exec(out.authorization);
    out.authorization = m ? `${m[1]}${maskKey(m[2].trim())}` : '***';
  }
  return out;
}

export function createState() {
  /** @type {Record<string, number>} */
  let counts = {};
  /** @type {Record<string, any>} */
  let lastRequest = {};
  /** @type {any[]} */
  let history = [];
  /** @type {Map<string, SecretRecord>} */
  const secrets = new Map();

  return {
    /**
     * @param {string} route
     * @param {{ method: string, path: string, query: Record<string,string>, headers: any, body: unknown, requestId: string }} info
     */
    record(route, info) {
      counts[route] = (counts[route] ?? 0) + 1;
      /** @type {{ status: number|null } & Record<string, unknown>} */
      const entry = { route, ...info, headers: safeHeaders(info.headers), at: Date.now(), status: null };
      lastRequest[route] = entry;
      history.push(entry);
      if (history.length > HISTORY_LIMIT) history = history.slice(-HISTORY_LIMIT);
      return entry;
    },
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    /** @param {SecretRecord} rec */
    addSecret(rec) {
      secrets.set(rec.value, rec);
    },
    /** @param {string} value @returns {SecretRecord|null} */
    getSecret(value) {
      return secrets.get(value) ?? null;
    },
    /** A snapshot safe to serialise. @param {any[]} faults */
    snapshot(faults = []) {
      const clone = (v) => JSON.parse(JSON.stringify(v));
      return {
        counts: { ...counts },
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        lastRequest: clone(lastRequest),
        history: clone(history),
        secrets: [...secrets.values()].map((s) => ({ ...clone(s), key: maskKey(s.key) })),
        faults,
      };
    },
    reset() {
      counts = {};
      lastRequest = {};
      history = [];
      secrets.clear();
    },
  };
}

// Observable emulator state: per-route request counts, the last request per route,
// a bounded history, the store of minted ephemeral secrets, and the realtime side: the settings
// sessions start with (script, timing, maximum duration) and one record per realtime session.
import { maskKey } from './errors.mjs';
import { createRealtimeSettings } from './realtime/settings.mjs';

const HISTORY_LIMIT = 500;
/** Realtime session records kept (oldest dropped first). */
const REALTIME_SESSION_LIMIT = 200;

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

/** @param {{ realtimeScript?: unknown, realtimeConfig?: Record<string, unknown> }} [options] */
export function createState(options = {}) {
  /** @type {Record<string, number>} */
  let counts = {};
  /** @type {Record<string, any>} */
  let lastRequest = {};
  /** @type {any[]} */
  let history = [];
  /** @type {Map<string, SecretRecord>} */
  const secrets = new Map();
  const realtime = createRealtimeSettings(options);
  /** @type {any[]} live realtime session records (see lib/realtime/session-record.mjs) */
  let realtimeSessions = [];

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
    /** Realtime settings: script, timing and maximum session duration (see lib/realtime/settings.mjs). */
    realtime,
    /** Register a live realtime session record. @param {any} rec */
    addRealtimeSession(rec) {
      realtimeSessions.push(rec);
      if (realtimeSessions.length > REALTIME_SESSION_LIMIT) realtimeSessions = realtimeSessions.slice(-REALTIME_SESSION_LIMIT);
      return rec;
    },
    /** Serialisable copies of the realtime session records, oldest first. */
    realtimeSessions: () => JSON.parse(JSON.stringify(realtimeSessions)),
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
        realtime: { sessions: clone(realtimeSessions) },
      };
    },
    reset() {
      counts = {};
      lastRequest = {};
      history = [];
      secrets.clear();
      realtimeSessions = [];
      realtime.reset();
    },
  };
}

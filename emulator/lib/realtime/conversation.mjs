// The server-side conversation: ordered items plus per-item bookkeeping the wire never shows
// (assistant word timings for truncation, audio length, the scripted turn an item belongs to).
import { conversationId } from './ids.mjs';

/**
 * @typedef {object} ItemMeta
 * @property {import('./audio-synth.mjs').WordTiming[]} [words]  assistant audio: word timings
 * @property {number} [audioMs]        ms of audio in the item (user: committed; assistant: generated, or truncated)
 * @property {number|null} [truncatedMs] audio_end_ms of the last truncation
 * @property {number} [turn]           user turn index (user items)
 * @property {boolean} [answered]      function_call_output: a response already used it
 */

const clone = (v) => JSON.parse(JSON.stringify(v));

export function createConversation() {
  /** @type {string[]} */
  let order = [];
  /** @type {Map<string, any>} */
  const items = new Map();
  /** @type {Map<string, ItemMeta>} */
  const meta = new Map();

  return {
    id: conversationId(),
    /** @param {string} id */
    has: (id) => items.has(id),
    /** The stored item (live object). @param {string} id */
    get: (id) => items.get(id) ?? null,
    /** @param {string} id @returns {ItemMeta} */
    meta(id) {
      let m = meta.get(id);
      if (!m) meta.set(id, (m = {}));
      return m;
    },
    /** Wire copy of an item. @param {string} id */
    wire: (id) => (items.has(id) ? clone(items.get(id)) : null),
    lastId: () => order[order.length - 1] ?? null,
    /** Item ids in order. */
    ids: () => [...order],
    /**
     * Insert an item after `previousId` (undefined → at the end; 'root'/null → at the start).
     * Returns the id of the item now before it (null at the start).
     * @param {any} item @param {string|null} [previousId]
     */
    insert(item, previousId) {
      let at = order.length;
      if (previousId === null || previousId === 'root') at = 0;
      else if (previousId !== undefined) at = order.indexOf(previousId) + 1;
      order = [...order.slice(0, at), item.id, ...order.slice(at)];
      items.set(item.id, item);
      return at > 0 ? order[at - 1] : null;
    },
    /** @param {string} id */
    delete(id) {
      if (!items.has(id)) return false;
      items.delete(id);
      meta.delete(id);
      order = order.filter((x) => x !== id);
      return true;
    },
    /** All items in order (live objects). */
    all: () => order.map((id) => items.get(id)),
  };
}

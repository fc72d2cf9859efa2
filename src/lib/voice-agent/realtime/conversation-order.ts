/**
 * Where an item sits in the conversation. The server says it with `previous_item_id` (on
 * `input_audio_buffer.committed` and `conversation.item.added/done`); events do NOT arrive in
 * conversation order (a user's transcription often completes after the reply has started), so the
 * transcript is ordered by these links, never by arrival.
 *
 * - `previous` is a known id → right after it (a later claim on the same predecessor goes first, as the
 *   server's own insert does);
 * - `null` → at the start;
 * - absent or unknown → appended, provisionally: the first later event that names a known
 *   predecessor moves it there, once. An item placed from a real link is never moved again, so
 *   duplicated or late events cannot reshuffle the transcript.
 *
 * Every item id is kept, including items the transcript does not show (function calls and their
 * outputs), because the next message may name one of them as its predecessor.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export interface ConversationOrder {
  /** Item ids in conversation order. */
  readonly ids: readonly string[];
  /** Ids placed from a real `previous_item_id` link. */
  readonly anchored: Readonly<Record<string, true>>;
}

export const EMPTY_ORDER: ConversationOrder = { ids: [], anchored: {} };

/** Place (or re-place) `id`. Returns the same object when nothing changes. */
export function placeItem(order: ConversationOrder, id: string, previous: string | null | undefined): ConversationOrder {
  const known = order.ids.includes(id);
  const anchorKnown = previous === null || (previous !== undefined && previous !== id && order.ids.includes(previous));
  if (known && (order.anchored[id] === true || !anchorKnown)) return order;
  const rest = known ? order.ids.filter((x) => x !== id) : order.ids;
  let ids: string[];
  if (!anchorKnown) ids = [...rest, id];
  else if (previous === null) ids = [id, ...rest];
  else {
    const at = rest.indexOf(previous as string) + 1;
    ids = [...rest.slice(0, at), id, ...rest.slice(at)];
  }
  return { ids, anchored: anchorKnown ? { ...order.anchored, [id]: true } : order.anchored };
}

/** Give an item a new id where it stands (a local optimistic turn adopting the server's id). */
export function renameItem(order: ConversationOrder, from: string, to: string): ConversationOrder {
  if (!order.ids.includes(from)) return order;
  const anchored: Record<string, true> = { ...order.anchored };
  if (anchored[from]) anchored[to] = true;
  delete anchored[from];
  return { ids: order.ids.map((x) => (x === from ? to : x)), anchored };
}

export function removeItem(order: ConversationOrder, id: string): ConversationOrder {
  if (!order.ids.includes(id)) return order;
  const anchored: Record<string, true> = { ...order.anchored };
  delete anchored[id];
  return { ids: order.ids.filter((x) => x !== id), anchored };
}

/**
 * A new realtime connection is a new server session that remembers nothing. After a reconnect or the
 * renewal at the session cap, the conversation so far goes back in as items (user text, assistant text)
 * so the coach continues where it was. Bounded: the most recent turns within a character budget.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { newEventId, newItemId, type ClientEvent } from '../realtime/client-events';
import type { TranscriptTurn } from '../realtime/transcript-state';

const MAX_TURNS = 40;
const MAX_CHARS = 12_000;

/** The events to send (in order) and the item ids they create, so their echoes can be ignored. */
export function replayEvents(turns: readonly TranscriptTurn[]): { events: ClientEvent[]; itemIds: Set<string> } {
  const usable = turns.filter((t) => t.text.trim() !== '' && t.status !== 'pending' && t.status !== 'failed');
  const picked: TranscriptTurn[] = [];
  let chars = 0;
  for (let i = usable.length - 1; i >= 0 && picked.length < MAX_TURNS; i--) {
    const turn = usable[i]!;
    if (chars + turn.text.length > MAX_CHARS) break;
    chars += turn.text.length;
    picked.unshift(turn);
  }
  const itemIds = new Set<string>();
  const events = picked.map((turn) => {
    const id = newItemId();
    itemIds.add(id);
    const content =
      turn.role === 'user' ? [{ type: 'input_text', text: turn.text }] : [{ type: 'output_text', text: turn.text }];
    return { type: 'conversation.item.create', event_id: newEventId(), item: { id, type: 'message', role: turn.role, content } } as unknown as ClientEvent;
  });
  return { events, itemIds };
}

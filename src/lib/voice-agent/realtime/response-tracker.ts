/**
 * Knows whether the model is answering, and sends `response.create` only when it may.
 *
 * Only one response may write to the conversation at a time; a second `response.create` is refused with
 * `conversation_already_has_active_response` (protocol brief §4.2). So `requestResponse()` sends now
 * when the conversation is idle, and otherwise queues exactly one request, sent right after the current
 * `response.done` (as the Agents SDK's sequencer does). A response counts as active from the moment we
 * send `response.create` (it may cross a server-started VAD response on the wire) until its
 * `response.done`. If the server refuses ours anyway, the request is queued again rather than lost.
 *
 * It also tracks what is playing, so the app can decide how to interrupt (`planInterrupt`).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import {
  isAppEvent,
  isKnownServerEvent,
  outputAudioClear,
  responseCancel,
  responseCreate,
  truncateItem,
  type ClientEvent,
  type RealtimeInput,
} from './realtime-events';

export const ACTIVE_RESPONSE_ERROR = 'conversation_already_has_active_response';

export interface PlayingAudio {
  /** The assistant item being heard, when known. */
  itemId: string | null;
  responseId: string | null;
  /** Latest playback position the transport reported for the item, in ms. */
  playedMs: number | null;
}

export interface ResponseTracker {
  /** Feed every server event and app event. */
  handle(event: RealtimeInput): void;
  /** Ask the model to respond: 'sent' now, or 'queued' (at most one) until the active response is done. */
  requestResponse(): 'sent' | 'queued';
  /** Forget everything (a new connection is a new server session). */
  reset(): void;
  /** A response is in progress, or one was requested and not yet confirmed. */
  readonly isResponseActive: boolean;
  readonly hasQueuedRequest: boolean;
  readonly activeResponseId: string | null;
  /** The assistant message the active response is writing. */
  readonly activeAssistantItemId: string | null;
  /** What the user is hearing now (null when nothing plays). */
  readonly playing: PlayingAudio | null;
}

/** Responses remembered for item lookups (a response's item can still be playing after it is done). */
const REMEMBERED_RESPONSES = 16;

export function createResponseTracker(send: (event: ClientEvent) => void): ResponseTracker {
  let requestedEventId: string | null = null; // our response.create, not yet answered by response.created
  let lastCreateEventId: string | null = null; // our latest response.create, for matching its error
  let activeId: string | null = null;
  let activeItemId: string | null = null;
  let queued = false;
  let playing: PlayingAudio | null = null;
  const itemOfResponse = new Map<string, string>();
  const responseOfItem = new Map<string, string>();

  const sendCreate = () => {
    const event = responseCreate();
    requestedEventId = lastCreateEventId = event.event_id;
    send(event);
  };

  const remember = (responseId: string, itemId: string) => {
    itemOfResponse.set(responseId, itemId);
    responseOfItem.set(itemId, responseId);
    if (itemOfResponse.size > REMEMBERED_RESPONSES) {
      const [oldest, oldItem] = itemOfResponse.entries().next().value as [string, string];
      itemOfResponse.delete(oldest);
      responseOfItem.delete(oldItem);
    }
  };

  const finish = () => {
    activeId = null;
    activeItemId = null;
    if (queued) {
      queued = false;
      sendCreate();
    }
  };

  const handle = (event: RealtimeInput) => {
    if (isAppEvent(event)) {
      if (event.type === 'app.audio_played') {
        const responseId = responseOfItem.get(event.itemId) ?? null;
        playing = { itemId: event.itemId, responseId, playedMs: event.playedMs };
      } else if (event.type === 'app.playback_ended') {
        if (!event.itemId || playing?.itemId === event.itemId) playing = null;
      }
      return;
    }
    if (!isKnownServerEvent(event)) return;
    switch (event.type) {
      case 'response.created':
        requestedEventId = null;
        activeId = event.response.id;
        activeItemId = null;
        return;
      case 'response.output_item.added':
        if (event.item.type === 'message' && event.item.role === 'assistant' && event.item.id) {
          if (event.response_id) remember(event.response_id, event.item.id);
          if (!event.response_id || event.response_id === activeId) activeItemId = event.item.id;
        }
        return;
      case 'response.done':
        // A done for another response (e.g. an out-of-band one) does not free the conversation, nor
        // does any done while our own request is still unanswered.
        if (activeId === event.response.id || (activeId === null && requestedEventId === null)) finish();
        return;
      case 'error': {
        if (lastCreateEventId === null || event.error.event_id !== lastCreateEventId) return;
        if (requestedEventId === lastCreateEventId) requestedEventId = null;
        // Another response (usually a VAD one) got there first: ask again after its response.done.
        if (event.error.code === ACTIVE_RESPONSE_ERROR) queued = true;
        return;
      }
      case 'output_audio_buffer.started': {
        const responseId = event.response_id ?? activeId;
        const itemId = (responseId && itemOfResponse.get(responseId)) || null;
        playing = { itemId, responseId, playedMs: null };
        return;
      }
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        if (!event.response_id || !playing?.responseId || playing.responseId === event.response_id) playing = null;
        return;
      default:
        return;
    }
  };

  return {
    handle,
    requestResponse() {
      if (activeId === null && requestedEventId === null) {
        sendCreate();
        return 'sent';
      }
      queued = true;
      return 'queued';
    },
    reset() {
      requestedEventId = lastCreateEventId = activeId = activeItemId = null;
      queued = false;
      playing = null;
      itemOfResponse.clear();
      responseOfItem.clear();
    },
    get isResponseActive() {
      return activeId !== null || requestedEventId !== null;
    },
    get hasQueuedRequest() {
      return queued;
    },
    get activeResponseId() {
      return activeId;
    },
    get activeAssistantItemId() {
      return activeItemId;
    },
    get playing() {
      return playing;
    },
  };
}

export interface InterruptOptions {
  transport: 'webrtc' | 'websocket';
  /** WebSocket: how much of the playing item the local player has played, in ms. */
  playedMs?: number;
}

/**
 * The client events that stop the coach when the user barges in (protocol brief §2.3, §4.5).
 * WebRTC: cancel the active response and clear the server's output buffer (the server truncates).
 * WebSocket: cancel the active response and truncate the playing item at what was actually played.
 * Sessions with `interrupt_response: true` already cancel on speech; this is for manual interrupts.
 */
export function planInterrupt(tracker: ResponseTracker, options: InterruptOptions): ClientEvent[] {
  const events: ClientEvent[] = [];
  if (tracker.activeResponseId !== null) events.push(responseCancel(tracker.activeResponseId));
  else if (tracker.isResponseActive) events.push(responseCancel());
  const playing = tracker.playing;
  if (options.transport === 'webrtc') {
    if (playing || tracker.isResponseActive) events.push(outputAudioClear());
    return events;
  }
  const itemId = playing?.itemId ?? null;
  const playedMs = options.playedMs ?? playing?.playedMs ?? null;
  if (itemId !== null && playedMs !== null) events.push(truncateItem(itemId, playedMs));
  return events;
}

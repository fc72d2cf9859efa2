/**
 * The conversation side of a voice session, independent of how it is connected: every server event
 * goes through the transcript reducer, the response tracker, the tool runner (web_search) and the usage
 * meter, and comes out as snapshot changes and telemetry. Survives reconnects: the transcript is kept,
 * the tracker starts over (a new connection is a new server session), and the conversation is replayed
 * into the new session with the replayed items' echoes ignored.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchClient } from '../api/search-client';
import type { TelemetryClient } from '../api/telemetry-client';
import { newItemId, responseCreate, userTextItem, type ClientEvent } from '../realtime/client-events';
import { isKnownServerEvent, type RealtimeInput } from '../realtime/realtime-events';
import { createResponseTracker, planInterrupt } from '../realtime/response-tracker';
import { createToolRunner, type ToolNotice } from '../realtime/tool-runner';
import { createTranscriptState, transcriptReducer, transcriptText } from '../realtime/transcript-reducer';
import { createUsageMeter, latencyStats } from '../realtime/usage-meter';
import type { TransportKind } from '../transports/realtime-transport';
import { replayEvents } from './context-replay';
import type { SearchActivity, VoiceSnapshot } from './voice-session-types';

const MAX_SEARCHES_SHOWN = 5;

export interface ConversationDeps {
  send(event: ClientEvent): void;
  search: SearchClient;
  telemetry: TelemetryClient;
  sessionId(): string | undefined;
  /** Snapshot fields this side owns: turns, searches, usage, speaking flags. */
  update(patch: Partial<VoiceSnapshot>): void;
  searches(): readonly SearchActivity[];
  /** The server said when this connection's session ends (epoch seconds). */
  onSessionCreated(expiresAtSeconds: number | undefined): void;
  onSessionExpired(): void;
  /** The user started talking over the coach (WebSocket: our own player must stop). */
  onBargeIn(): void;
}

export class VoiceConversation {
  private transcript = createTranscriptState();
  private replayedIds = new Set<string>();
  private reportedResponses = 0;
  private userSpeechMs = 0;
  private speechStartedAt: number | undefined;
  private coachSpeaking = false;
  readonly tracker;
  private readonly tools;
  private readonly usage;

  constructor(private readonly deps: ConversationDeps) {
    this.tracker = createResponseTracker((event) => deps.send(event));
    this.usage = createUsageMeter({ onSample: (s) => deps.telemetry.record({ type: 'response_latency', ms: Math.round(s.latencyMs) }) });
    this.tools = createToolRunner({
      send: (event) => deps.send(event),
      search: (query) => deps.search.search(query, deps.sessionId() ?? ''),
      requestResponse: () => void this.tracker.requestResponse(),
      notify: (notice) => this.onToolNotice(notice),
    });
  }

  get turns() {
    return this.transcript.turns;
  }

  get usageTotals() {
    return this.usage.state.tokens;
  }

  handle(event: RealtimeInput, transport: TransportKind): void {
    if (isKnownServerEvent(event) && this.isReplayEcho(event)) return;
    this.apply(event);
    this.tracker.handle(event);
    this.tools.handle(event);
    this.usage.handle(event);
    switch (event.type) {
      case 'session.created':
        this.deps.onSessionCreated((event as { session?: { expires_at?: number } }).session?.expires_at);
        break;
      case 'input_audio_buffer.speech_started':
        this.speechStartedAt = Date.now();
        if (transport === 'websocket' && this.coachSpeaking) this.deps.onBargeIn();
        this.deps.update({ userSpeaking: true });
        break;
      case 'input_audio_buffer.speech_stopped':
        if (this.speechStartedAt) this.userSpeechMs += Date.now() - this.speechStartedAt;
        this.speechStartedAt = undefined;
        this.deps.update({ userSpeaking: false });
        break;
      case 'output_audio_buffer.started':
      case 'app.first_audio':
        this.setCoachSpeaking(true);
        break;
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
      case 'app.playback_ended':
        this.setCoachSpeaking(false);
        break;
      case 'response.done':
        this.afterResponse();
        break;
      case 'error':
        if ((event as { error?: { code?: string } }).error?.code === 'session_expired') this.deps.onSessionExpired();
        break;
    }
  }

  /** A typed message: shown at once, sent as a user item, answered by a new response. */
  sendText(text: string): void {
    const itemId = newItemId();
    this.apply({ type: 'app.user_text', itemId, text });
    this.deps.send(userTextItem(text, { itemId }));
    this.tracker.requestResponse();
  }

  /** The events that stop the coach now (see planInterrupt). */
  interruptEvents(transport: TransportKind, playedMs: number | undefined): ClientEvent[] {
    this.setCoachSpeaking(false);
    return planInterrupt(this.tracker, { transport, playedMs });
  }

  get isResponding(): boolean {
    return this.tracker.isResponseActive || this.coachSpeaking;
  }

  /** A new connection: forget the old server session's responses; replay the conversation so far. */
  /**
   * Events for a new connection: the conversation so far (`replay`), or, for a practice scenario's first
   * connection (`open`), a `response.create` so the counterpart speaks first, as it would in the room.
   */
  startNewConnection({ replay, open = false }: { replay: boolean; open?: boolean }): ClientEvent[] {
    this.tracker.reset();
    this.setCoachSpeaking(false);
    if (!replay) return open && this.transcript.turns.length === 0 ? [responseCreate()] : [];
    const { events, itemIds } = replayEvents(this.transcript.turns);
    this.replayedIds = itemIds;
    return events;
  }

  asText(): string {
    return transcriptText(this.transcript);
  }

  summary(): { turns: number; userSpeechSeconds: number } {
    return { turns: this.transcript.turns.length, userSpeechSeconds: Math.round(this.userSpeechMs / 1000) };
  }

  dispose(): void {
    this.tools.dispose();
  }

  private setCoachSpeaking(speaking: boolean): void {
    this.coachSpeaking = speaking;
    this.deps.update({ coachSpeaking: speaking });
  }

  private afterResponse(): void {
    const state = this.usage.state;
    this.deps.update({ usage: state.tokens, medianLatencyMs: latencyStats(state.samples)?.medianMs });
    if (state.responses <= this.reportedResponses || !state.lastResponse) return;
    this.reportedResponses = state.responses;
    const t = state.lastResponse;
    this.deps.telemetry.record({
      type: 'usage',
      inputTextTokens: t.inputText,
      inputAudioTokens: t.inputAudio,
      cachedTokens: t.inputCached,
      outputTextTokens: t.outputText,
      outputAudioTokens: t.outputAudio,
    });
  }

  private isReplayEcho(event: { type: string; item?: { id?: string } }): boolean {
    const id = event.item?.id;
    return id !== undefined && this.replayedIds.has(id) && event.type.startsWith('conversation.item.');
  }

  private apply(event: RealtimeInput): void {
    const next = transcriptReducer(this.transcript, event);
    if (next === this.transcript) return;
    const turnsChanged = next.turns !== this.transcript.turns;
    this.transcript = next;
    if (turnsChanged) this.deps.update({ turns: next.turns });
  }

  private onToolNotice(notice: ToolNotice): void {
    const searches = [...this.deps.searches()];
    const at = searches.findIndex((s) => s.callId === notice.callId);
    let entry: SearchActivity;
    if (notice.kind === 'search-started') entry = { callId: notice.callId, query: notice.query, status: 'searching' };
    else if (notice.kind === 'tool-failed') entry = { callId: notice.callId, query: notice.name, status: 'failed', message: notice.message };
    else if ('result' in notice) entry = { callId: notice.callId, query: notice.query, status: 'done', result: notice.result };
    else entry = { callId: notice.callId, query: notice.query, status: 'failed', message: notice.failure.message };
    if (at >= 0) searches[at] = entry;
    else searches.unshift(entry);
    this.deps.update({ searches: searches.slice(0, MAX_SEARCHES_SHOWN) });
  }
}

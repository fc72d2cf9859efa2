/**
 * Browser client for the fallback coach's three endpoints (docs/fallback-and-demo.md): speech-to-text,
 * the chat reply as a server-sent event stream, and text-to-speech as streamed PCM. Each call takes the
 * fallback token and resolves to an `ApiResult`; nothing throws. Renewing an expired token is the
 * caller's business (see fallback-requests.ts): this module only reports the 401.
 *
 * Security: the token goes only into the `Authorization` header; never logged.
 * Browser-only module: never import from `src/server/**` here.
 */
import { createParser } from 'eventsource-parser';
import { readJson, VOICE_AGENT_API_BASE } from '../api/voice-agent-api';
import type { ApiFailure, ApiResult, ResponseMeta } from '../types/api';
import { parseChatEvent, type ChatDone, type ChatEvent } from './chat-events';
import { bearer, createDeadline, fetchOrFailure, readChunks, readHttpFailure, transportFailure, type FetchLike } from './fallback-http';
import { createPcmAligner } from './pcm-aligner';

export const FALLBACK_ENDPOINTS = {
  transcribe: `${VOICE_AGENT_API_BASE}/transcribe`,
  chat: `${VOICE_AGENT_API_BASE}/chat`,
  speech: `${VOICE_AGENT_API_BASE}/speech`,
} as const;

export interface FallbackTimeouts {
  /** Upload + transcription of up to 60 s of audio. */
  transcribeMs: number;
  /** Until the chat answer's headers arrive. */
  chatStartMs: number;
  /** Longest silence inside the chat stream (a search sends keep-alive comments meanwhile). */
  chatIdleMs: number;
  /** Until the speech answer's headers arrive. */
  speechStartMs: number;
  /** Longest pause between two speech chunks. */
  speechIdleMs: number;
}

export const DEFAULT_FALLBACK_TIMEOUTS: FallbackTimeouts = {
  transcribeMs: 30_000,
  chatStartMs: 20_000,
  chatIdleMs: 30_000,
  speechStartMs: 15_000,
  speechIdleMs: 15_000,
};

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface Transcription {
  text: string;
  durationMs?: number;
}

/**
 * A sentence's audio: PCM16 24 kHz mono chunks as they arrive. Iterating never throws; when the stream
 * stopped early (network, timeout, cancelled) `failure()` says why once the iteration has ended.
 */
export interface SpeechAudio extends AsyncIterable<Int16Array> {
  failure(): ApiFailure | undefined;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Every event in order, `done` and `error` included. */
  onEvent(event: ChatEvent): void;
}

export interface FallbackApi {
  /** `POST /transcribe`: the utterance's text (`""` for silence). */
  transcribe(wav: Blob, token: string, signal?: AbortSignal, options?: { language?: string }): Promise<ApiResult<Transcription>>;
  /**
   * `POST /chat`: resolves when the stream ends — `done` → ok; an `error` event → a failure with the
   * server's code and message (kind `http`, no status: the answer itself was a 200); the stream cut off
   * before either → a `network`/`timeout` failure. Text delivered before a failure stays valid.
   */
  streamChat(messages: readonly ChatMessage[], token: string, options: ChatOptions): Promise<ApiResult<ChatDone>>;
  /** `POST /speech`: resolves once the audio starts arriving; iterate for the chunks. */
  fetchSpeech(text: string, token: string, signal?: AbortSignal): Promise<ApiResult<SpeechAudio>>;
}

export function createFallbackApi(options: { fetch?: FetchLike; timeouts?: Partial<FallbackTimeouts> } = {}): FallbackApi {
  // Bound late: tests (and the page) may replace the global after this module loaded.
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const t: FallbackTimeouts = { ...DEFAULT_FALLBACK_TIMEOUTS, ...options.timeouts };

  async function transcribe(wav: Blob, token: string, signal?: AbortSignal, extra: { language?: string } = {}): Promise<ApiResult<Transcription>> {
    const form = new FormData();
    form.append('file', wav, 'utterance.wav');
    if (extra.language) form.append('language', extra.language);
    const deadline = createDeadline(t.transcribeMs, signal);
    try {
      // No Content-Type header: the browser writes the multipart boundary itself.
      const sent = await fetchOrFailure(doFetch, FALLBACK_ENDPOINTS.transcribe, { method: 'POST', headers: { Accept: 'application/json', ...bearer(token) }, body: form }, deadline);
      if (!sent.ok) return sent;
      const { response } = sent;
      if (!response.ok) return { ok: false, error: await readHttpFailure(response) };
      const body = await readJson(response);
      if (deadline.signal.aborted) return { ok: false, error: transportFailure(deadline) };
      const text = isRecord(body) && typeof body.text === 'string' ? body.text : undefined;
      if (text === undefined) return invalid(response.status);
      const durationMs = isRecord(body) && typeof body.durationMs === 'number' ? body.durationMs : undefined;
      return { ok: true, data: { text, ...(durationMs !== undefined ? { durationMs } : {}) }, meta: meta(response) };
    } finally {
      deadline.dispose();
    }
  }

  async function streamChat(messages: readonly ChatMessage[], token: string, { signal, onEvent }: ChatOptions): Promise<ApiResult<ChatDone>> {
    const deadline = createDeadline(t.chatStartMs, signal);
    try {
      const sent = await fetchOrFailure(
        doFetch,
        FALLBACK_ENDPOINTS.chat,
        { method: 'POST', headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', ...bearer(token) }, body: JSON.stringify({ messages }) },
        deadline,
      );
      if (!sent.ok) return sent;
      const { response } = sent;
      if (!response.ok) return { ok: false, error: await readHttpFailure(response) };
      if (!/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) return invalid(response.status);

      let end: { ok: true; done: ChatDone } | { ok: false; error: ApiFailure } | undefined;
      const parser = createParser({
        onEvent(message) {
          if (end) return; // nothing counts after the stream's last word
          const event = parseChatEvent(message.event, message.data);
          if (!event) return;
          if (event.type === 'done') {
            const { type: _type, ...done } = event;
            end = { ok: true, done };
          } else if (event.type === 'error') end = { ok: false, error: { kind: 'http', code: event.code, message: event.message } };
          onEvent(event);
        },
      });
      const body = readChunks(response, deadline, t.chatIdleMs);
      const decoder = new TextDecoder();
      for await (const chunk of body.chunks) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (end) break; // `done`/`error` is the last frame: stop reading (this also cancels the body)
      }
      if (!end) parser.feed(decoder.decode());
      if (end?.ok) return { ok: true, data: end.done, meta: meta(response) };
      if (end) return { ok: false, error: end.error };
      return { ok: false, error: body.failure() ?? { kind: 'network', message: 'The reply stopped before it was complete' } };
    } finally {
      deadline.dispose();
    }
  }

  async function fetchSpeech(text: string, token: string, signal?: AbortSignal): Promise<ApiResult<SpeechAudio>> {
    const deadline = createDeadline(t.speechStartMs, signal);
    const sent = await fetchOrFailure(
      doFetch,
      FALLBACK_ENDPOINTS.speech,
      { method: 'POST', headers: { Accept: 'audio/pcm', 'Content-Type': 'application/json', ...bearer(token) }, body: JSON.stringify({ text }) },
      deadline,
    );
    if (!sent.ok) {
      deadline.dispose();
      return sent;
    }
    const { response } = sent;
    if (!response.ok || !/^audio\//i.test(response.headers.get('content-type') ?? '')) {
      deadline.dispose();
      if (!response.ok) return { ok: false, error: await readHttpFailure(response) };
      void response.body?.cancel().catch(() => undefined);
      return invalid(response.status);
    }
    const body = readChunks(response, deadline, t.speechIdleMs);
    let cutShort: ApiFailure | undefined;
    const audio: SpeechAudio = {
      async *[Symbol.asyncIterator]() {
        const aligner = createPcmAligner();
        try {
          for await (const bytes of body.chunks) {
            const samples = aligner.push(bytes);
            if (samples.length > 0) yield samples;
          }
          if (!body.failure() && aligner.pending) cutShort = { kind: 'invalid-response', status: response.status, message: 'The speech audio ended mid-sample' };
        } finally {
          deadline.dispose();
        }
      },
      failure: () => body.failure() ?? cutShort,
    };
    return { ok: true, data: audio, meta: meta(response) };
  }

  return { transcribe, streamChat, fetchSpeech };
}

function invalid<T>(status: number): ApiResult<T> {
  return { ok: false, error: { kind: 'invalid-response', status, message: 'The server answered in an unexpected format' } };
}

function meta(response: Response): ResponseMeta {
  // The fallback endpoints' answers carry nothing the client's clock needs (tokens do that).
  return { status: response.status, clockSkewMs: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fallback-mode endpoints (docs/fallback-and-demo.md): transcribe → chat (SSE) → speech. Each one:
 * fallback token → live fallback session → per-session/per-IP budget → body → one upstream call through
 * the shared guard. A scenario session's chat may send no messages: the coach then opens the conversation.
 * Logs and metrics carry sizes, durations and token counts, never text, audio or tokens.
 */
import type { AppContext } from '../app-context';
import type { ApiRequest, Handler, StreamedBody } from '../api/api-types';
import { fallbackChatInstructions } from '../coach/coach-chat';
import { ApiError, jsonResult } from '../http/api-error';
import { readJsonBody } from '../http/json-body';
import { shortId } from '../observability/logger';
import type { FallbackUpstream } from '../openai/fallback-upstream';
import type { SessionRecord } from '../sessions/session-store';
import { readAudioUpload } from './audio-upload';
import { openChatTurn, type ChatTurnSummary } from './chat-turn';
import { recapOfSession } from '../tokens/token-recap';
import { chatBody, EMPTY_MESSAGES_WITHOUT_SCENARIO, MAX_CHAT_BODY_BYTES, speechBody } from './fallback-bodies';
import { asFallbackError } from './fallback-errors';
import { checkFallbackLimits } from './fallback-limits';
import { sseStream } from './sse';

export const PCM_CONTENT_TYPE = 'audio/pcm;rate=24000;channels=1';

/** Token → session → budget; the upstream client (absent when the server has no key). */
async function admit(req: ApiRequest, app: AppContext, endpoint: 'transcribe' | 'chat' | 'speech'): Promise<{ session: SessionRecord; upstream: FallbackUpstream }> {
  const session = await app.fallback.auth.authenticate(req);
  const upstream = app.fallback.upstream;
  if (!upstream) throw new ApiError(503, 'service_unavailable', 'Fallback mode is not available on this server (no OpenAI API key is configured).');
  await checkFallbackLimits(app, session.id, req.ip, endpoint);
  return { session, upstream };
}

const transcribe: Handler = async (req, app) => {
  const { session, upstream } = await admit(req, app, 'transcribe');
  const upload = await readAudioUpload(req);
  const started = performance.now();
  const { text } = await upstream
    .transcribe({ audio: upload.audio, filename: upload.filename, mimeType: upload.mimeType, language: upload.language, signal: req.signal })
    .catch((error: unknown) => {
      throw asFallbackError(error, app.config.transcribeModel);
    });
  app.metrics.transcribedAudioSeconds.inc(upload.durationMs / 1000);
  app.logger.info(
    {
      event: 'transcribed',
      sessionId: shortId(session.id),
      audioMs: upload.durationMs,
      bytes: upload.audio.byteLength,
      format: upload.kind,
      chars: text.length,
      duration: Math.round(performance.now() - started),
    },
    'transcribed',
  );
  return jsonResult({ text, durationMs: upload.durationMs });
};

const chat: Handler = async (req, app) => {
  const { session, upstream } = await admit(req, app, 'chat');
  const { messages } = await readJsonBody(req, chatBody, { limit: MAX_CHAT_BODY_BYTES });
  const scenario = sessionScenario(app, session);
  // No messages: the counterpart (or the coach, in a coaching scenario) opens the session, as realtime does.
  const opening = messages.length === 0;
  if (opening && !scenario) throw new ApiError(400, 'invalid_request', EMPTY_MESSAGES_WITHOUT_SCENARIO);
  const started = performance.now();
  const onFinished = (summary: ChatTurnSummary) => {
    app.metrics.chatTokens.inc({ kind: 'input' }, summary.usage.inputTokens);
    app.metrics.chatTokens.inc({ kind: 'output' }, summary.usage.outputTokens);
    app.logger.info(
      {
        event: summary.outcome === 'cancelled' ? 'chatCancelled' : 'chatCompleted',
        sessionId: shortId(session.id),
        ...(scenario ? { scenario: scenario.id } : {}),
        ...(opening ? { opening: true } : {}),
        outcome: summary.outcome,
        rounds: summary.rounds,
        searchRounds: summary.searchRounds,
        finishReason: summary.finishReason,
        duration: Math.round(performance.now() - started),
        inputTokens: summary.usage.inputTokens,
        outputTokens: summary.usage.outputTokens,
      },
      summary.outcome === 'cancelled' ? 'chatCancelled' : 'chatCompleted',
    );
  };
  const events = await openChatTurn(
    {
      upstream,
      search: {
        search: (query) => app.search.search(query),
        searchPerSession: () => app.limits.searchPerSession(session.id),
        searchPerIp: () => app.limits.searchPerIp(req.ip),
        metrics: app.metrics,
        logger: app.logger,
        ip: req.ip,
      },
      instructions: fallbackChatInstructions(scenario, { recap: recapOfSession(session, scenario), opening }),
      maxToolRounds: app.config.chatMaxToolRounds,
      model: app.config.chatModel,
      signal: req.signal,
      logger: app.logger,
      onFinished,
    },
    messages,
  );
  return {
    status: 200,
    // X-Accel-Buffering: nginx would otherwise buffer the stream and the reply would arrive all at once.
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
    body: sseStream(events),
  };
};

/**
 * The scenario the session's token names, from this instance's catalogue. One this instance does not know (a
 * deploy that removed it while the session lived) leaves the coach in free coaching rather than failing the turn.
 */
function sessionScenario(app: AppContext, session: SessionRecord) {
  if (!session.scenarioId) return undefined;
  const scenario = app.scenarios.get(session.scenarioId);
  if (!scenario) {
    app.logger.warn({ event: 'scenarioUnavailable', scenario: session.scenarioId, sessionId: shortId(session.id) }, 'scenario not in this instance\'s catalogue: free coaching');
  }
  return scenario;
}

const speech: Handler = async (req, app) => {
  const { session, upstream } = await admit(req, app, 'speech');
  const { text } = await readJsonBody(req, speechBody);
  const started = performance.now();
  const audio = await upstream.speech(text, req.signal).catch((error: unknown) => {
    throw asFallbackError(error, app.config.ttsModel);
  });
  app.metrics.synthesizedCharacters.inc(text.length);
  return {
    status: 200,
    headers: { 'Content-Type': PCM_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
    body: loggedWhenDone(audio, (bytes) =>
      app.logger.info(
        { event: 'speechSynthesized', sessionId: shortId(session.id), chars: text.length, bytes, duration: Math.round(performance.now() - started) },
        'speechSynthesized',
      ),
    ),
  };
};

/** Passes the audio through, reporting its size once it has all been sent. */
async function* loggedWhenDone(audio: AsyncIterable<Uint8Array>, done: (bytes: number) => void): StreamedBody {
  let bytes = 0;
  for await (const chunk of audio) {
    bytes += chunk.byteLength;
    yield chunk;
  }
  done(bytes);
}

export const FALLBACK_ROUTES = {
  '/api/voice-agent/transcribe': { POST: transcribe },
  '/api/voice-agent/chat': { POST: chat },
  '/api/voice-agent/speech': { POST: speech },
} as const;

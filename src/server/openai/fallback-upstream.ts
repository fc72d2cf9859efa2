/**
 * Fallback mode's OpenAI calls: one streamed Chat Completions round, text-to-speech streamed as raw PCM,
 * and speech-to-text. Each goes through the shared upstream guard (budget, `upstreamSeconds` by
 * operation `chat` | `speech` | `transcription`, `apiErrors`, `apiError` log without the key) and takes
 * the request's AbortSignal, so a client that goes away cancels the upstream call too. Streams are
 * timed to their end; a failure mid-stream is classified like one before it.
 */
import OpenAI, { toFile } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Config } from '../config';
import type { UpstreamCall, UpstreamGuard } from './upstream-guard';

export interface ChatRoundRequest {
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  /** `none` on the last round: the model must answer without another search. */
  toolChoice: 'auto' | 'none';
  signal: AbortSignal;
}

export interface TranscriptionRequest {
  audio: Buffer;
  /** With the right extension: OpenAI decides the format by it. */
  filename: string;
  mimeType: string;
  language?: string;
  signal: AbortSignal;
}

export interface FallbackUpstream {
  /** Resolves once OpenAI has answered (errors before that reject: no byte has reached the client yet). */
  chatRound(request: ChatRoundRequest): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** Raw 16-bit little-endian mono PCM at 24 kHz, as it arrives. Resolves once OpenAI has answered. */
  speech(text: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  transcribe(request: TranscriptionRequest): Promise<{ text: string }>;
}

export interface FallbackUpstreamDeps {
  apiKey: string;
  config: Pick<Config, 'openaiBaseUrl' | 'upstreamTimeoutMs' | 'chatModel' | 'chatReasoningEffort' | 'ttsModel' | 'ttsVoice' | 'transcribeModel'>;
  guard: UpstreamGuard;
}

/**
 * Passes a streamed upstream body through, timing the call to its end: a failure mid-stream is classified
 * like one before it, and a stream stopped early (the consumer returned) is released with `release` and
 * recorded as a cancelled call. The SDK ends a stream quietly when its signal aborts: that is a cancelled
 * call too, not a reply.
 */
async function* timedStream<T>(call: UpstreamCall, signal: AbortSignal, source: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  let finished = false;
  try {
    for await (const item of source) yield item;
    if (signal.aborted) throw new OpenAI.APIUserAbortError();
    finished = true;
    call.succeeded();
  } catch (error) {
    finished = true;
    throw call.failed(error, signal);
  } finally {
    if (!finished) {
      release();
      call.failed(new OpenAI.APIUserAbortError());
    }
  }
}

export function createFallbackUpstream(deps: FallbackUpstreamDeps): FallbackUpstream {
  const { config, guard } = deps;
  // The timeout bounds the wait for OpenAI's answer (headers); a streamed body may then run longer.
  const client = new OpenAI({ apiKey: deps.apiKey, baseURL: config.openaiBaseUrl, timeout: config.upstreamTimeoutMs, maxRetries: 0 });

  /** Starts a guarded call whose result streams on; failures before the first byte reject here. */
  async function open<T>(operation: string, signal: AbortSignal, start: () => Promise<T>): Promise<{ call: UpstreamCall; value: T }> {
    const call = await guard.begin(operation);
    try {
      return { call, value: await start() };
    } catch (error) {
      throw call.failed(error, signal);
    }
  }

  return {
    async chatRound({ messages, tools, toolChoice, signal }) {
      const { call, value: stream } = await open('chat', signal, () =>
        client.chat.completions.create(
          {
            model: config.chatModel,
            messages,
            tools,
            tool_choice: toolChoice,
            reasoning_effort: config.chatReasoningEffort,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal },
        ),
      );
      // Stopped early (the client left): close the upstream connection.
      return timedStream(call, signal, stream, () => stream.controller.abort());
    },

    async speech(text, signal) {
      const { call, value: response } = await open('speech', signal, () =>
        client.audio.speech.create({ model: config.ttsModel, voice: config.ttsVoice, input: text, response_format: 'pcm' }, { signal }),
      );
      const body = response.body;
      if (!body) throw call.failed(new OpenAI.APIError(502, { message: 'speech response had no body' }, undefined, undefined));
      const reader = body.getReader();
      const chunks = (async function* () {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          if (value.byteLength) yield value;
        }
      })();
      // Stopped early (the client left): release the upstream body.
      return timedStream(call, signal, chunks, () => void reader.cancel().catch(() => {}));
    },

    transcribe({ audio, filename, mimeType, language, signal }) {
      return guard.run(
        'transcription',
        async () => {
          const file = await toFile(audio, filename, { type: mimeType });
          const result = await client.audio.transcriptions.create(
            { file, model: config.transcribeModel, response_format: 'json', ...(language ? { language } : {}) },
            { signal },
          );
          return { text: typeof result.text === 'string' ? result.text : '' };
        },
        signal,
      );
    },
  };
}

/**
 * The FallbackSession test rig: every browser seam replaced — a fake audio clock under the real PcmPlayer, a
 * capture the test feeds 20 ms frames into, a scripted fallback API (the chat stream driven event by event),
 * fake tokens and telemetry. Used by fallback-session*.test.ts.
 */
import { vi } from 'vitest';
import { createPcmPlayer, type PlayerContext } from '../../../../src/lib/voice-agent/audio/pcm-player';
import type { ChatDone, ChatEvent } from '../../../../src/lib/voice-agent/fallback/chat-events';
import type { ChatMessage, FallbackApi, Transcription } from '../../../../src/lib/voice-agent/fallback/fallback-api';
import { FallbackSession, type FallbackSessionDeps } from '../../../../src/lib/voice-agent/fallback/fallback-session';
import type { MicCaptureFactory } from '../../../../src/lib/voice-agent/fallback/mic-capture';
import type { MicrophoneResult } from '../../../../src/lib/voice-agent/session/audio-setup';
import type { ApiResult } from '../../../../src/lib/voice-agent/types/api';
import { clockContext, fail, fakeTelemetry, fakeTokens, frames, ok, ScriptedSpeech, speechPcm } from './fallback-test-support';

export const QUIET = -70;
export const VOICE = -20;
export const LOUD = -12;
export const DONE: ChatDone = { finishReason: 'stop', usage: { inputTokens: 200, outputTokens: 30 }, searchRounds: 0 };

export interface ChatCall {
  messages: readonly ChatMessage[];
  token: string;
  signal?: AbortSignal;
  emit(event: ChatEvent): void;
  finish(result: ApiResult<ChatDone>): void;
}

export function setup(options: { microphone?: MicrophoneResult; tokens?: ReturnType<typeof fakeTokens>; speechMs?: number; deps?: Partial<FallbackSessionDeps> } = {}) {
  const clock = clockContext();
  const tokens = options.tokens ?? fakeTokens();
  const telemetry = fakeTelemetry();
  const marks: string[] = [];
  const chats: ChatCall[] = [];
  const transcripts: Array<ApiResult<Transcription>> = [];
  const transcribeTokens: string[] = [];
  const spoken: string[] = [];
  let onFrame: ((pcm: Int16Array) => void) | undefined;
  const captureEnabled: boolean[] = [];

  const api: FallbackApi = {
    transcribe: vi.fn(async (_wav: Blob, token: string) => {
      transcribeTokens.push(token);
      return transcripts.shift() ?? ok({ text: 'Something I said.' });
    }),
    streamChat: vi.fn(
      (messages, token, { signal, onEvent }) =>
        new Promise<ApiResult<ChatDone>>((resolve) => {
          chats.push({ messages, token, signal, emit: onEvent, finish: resolve });
          signal?.addEventListener('abort', () => resolve(fail({ kind: 'network', message: 'Request cancelled' })));
        }),
    ),
    fetchSpeech: vi.fn(async (text: string, _token: string, signal?: AbortSignal) => {
      spoken.push(text);
      const speech = new ScriptedSpeech(signal ?? new AbortController().signal);
      speech.push(speechPcm(options.speechMs ?? 1_000));
      speech.end();
      return ok(speech);
    }),
  };
  const startCapture: MicCaptureFactory = async (_context, _stream, frameHandler) => {
    onFrame = frameHandler;
    return { setEnabled: (enabled) => captureEnabled.push(enabled), close: vi.fn() };
  };
  const endSession = vi.fn(async () => undefined);
  const deps: FallbackSessionDeps = {
    tokens,
    telemetry,
    api,
    unlockAudio: () => ({ audioElement: {} as HTMLAudioElement, audioContext: clock.asAudioContext }),
    microphone: {
      open: async () => options.microphone ?? { ok: true, stream: {} as MediaStream },
      level: () => 0.4,
      close: vi.fn(),
      stream: undefined,
    },
    startCapture,
    createPlayer: (context, playerOptions) => createPcmPlayer(context as unknown as PlayerContext, { ...playerOptions, tickMs: 10 }),
    endSession,
    endSessionOnUnload: vi.fn(),
    mark: (name) => marks.push(name),
    ...options.deps,
  };
  const session = new FallbackSession(deps);
  const statuses: string[] = [session.getSnapshot().status];
  session.subscribe(() => {
    const status = session.getSnapshot().status;
    if (statuses.at(-1) !== status) statuses.push(status);
  });

  /** `ms` of microphone audio at `db`, frame by frame (20 ms of wall clock each, as in the browser). */
  async function hear(ms: number, db: number) {
    for (const f of frames(ms, db)) {
      onFrame?.(f);
      await vi.advanceTimersByTimeAsync(20);
    }
  }
  /** The user says something: speech, then the silence that ends it. */
  async function say(ms = 1_000) {
    await hear(ms, VOICE);
    await hear(800, QUIET);
  }
  /** The coach's reply, streamed as deltas, then `done`. */
  async function reply(call: ChatCall, ...pieces: string[]) {
    for (const text of pieces) {
      call.emit({ type: 'delta', text });
      await vi.advanceTimersByTimeAsync(0);
    }
    call.emit({ type: 'done', ...DONE });
    call.finish(ok(DONE));
    await vi.advanceTimersByTimeAsync(0);
  }
  const snap = () => session.getSnapshot();
  const turns = () => snap().turns.map((t) => [t.role, t.text, t.status]);
  return { session, api, tokens, telemetry, marks, chats, transcripts, transcribeTokens, spoken, captureEnabled, endSession, statuses, hear, say, reply, snap, turns, clock };
}

export const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

export async function started(s: ReturnType<typeof setup>, start: Parameters<FallbackSession['start']>[0] = {}) {
  s.session.start(start);
  await settle();
  await s.hear(300, QUIET); // the VAD calibrates on the room
}

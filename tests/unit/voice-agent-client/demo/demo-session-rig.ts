/**
 * The DemoSession test rig: fake speech synthesis and recognition, a fake credential holder, search client
 * and telemetry, and `setup()` wiring them into a session. Used by demo-session*.test.ts.
 */
import { vi } from 'vitest';
import type { SearchClient } from '../../../../src/lib/voice-agent/api/search-client';
import type { TelemetryClient } from '../../../../src/lib/voice-agent/api/telemetry-client';
import { DemoSession, type DemoSessionDeps } from '../../../../src/lib/voice-agent/demo/demo-session';
import type { DemoSpeech, RecognitionEventLike, RecognitionLike, UtteranceLike, VoiceLike } from '../../../../src/lib/voice-agent/demo/speech-apis';
import type { ApiResult, SearchResponse } from '../../../../src/lib/voice-agent/types/api';

export class FakeUtterance implements UtteranceLike {
  lang = '';
  rate = 1;
  volume = 1;
  voice: VoiceLike | null = null;
  onstart: UtteranceLike['onstart'] = null;
  onend: UtteranceLike['onend'] = null;
  onerror: UtteranceLike['onerror'] = null;
  onboundary: UtteranceLike['onboundary'] = null;
  constructor(public text: string) {}
}

export class FakeSynthesis {
  spoken: FakeUtterance[] = [];
  current: FakeUtterance | undefined;
  cancels = 0;
  constructor(private readonly voices: VoiceLike[] = [{ name: 'Local English', lang: 'en-GB', localService: true }]) {}
  getVoices = () => this.voices;
  speak = (u: UtteranceLike) => {
    this.current = u as FakeUtterance;
    this.spoken.push(u as FakeUtterance);
  };
  cancel = () => {
    this.cancels += 1;
    const u = this.current;
    this.current = undefined;
    u?.onerror?.({ error: 'interrupted' });
  };
  start() {
    this.current!.onstart?.({});
  }
  boundary(charIndex: number) {
    this.current!.onboundary?.({ charIndex, name: 'word' });
  }
  end() {
    const u = this.current!;
    this.current = undefined;
    u.onend?.({});
  }
  /** Speak everything queued, sentence by sentence. */
  finishAll() {
    for (let guard = 0; this.current && guard < 50; guard++) {
      this.start();
      this.end();
    }
  }
}

export class FakeRecognition implements RecognitionLike {
  continuous = false;
  interimResults = false;
  lang = '';
  starts = 0;
  running = false;
  onresult: RecognitionLike['onresult'] = null;
  onerror: RecognitionLike['onerror'] = null;
  onend: RecognitionLike['onend'] = null;
  onspeechstart: RecognitionLike['onspeechstart'] = null;
  onspeechend: RecognitionLike['onspeechend'] = null;
  start() {
    this.starts += 1;
    this.running = true;
  }
  stop() {
    this.end();
  }
  abort() {
    this.running = false;
  }
  end() {
    this.running = false;
    this.onend?.({});
  }
  result(text: string, isFinal: boolean) {
    const result = Object.assign([{ transcript: text }], { isFinal });
    const event: RecognitionEventLike = { resultIndex: 0, results: [result] };
    this.onresult?.(event);
  }
  error(code: string) {
    this.onerror?.({ error: code });
    this.end();
  }
}

export const LIBRARY: SearchResponse = {
  answer: "From the platform's library: For high-risk AI the EU AI Act requires a risk management system, data governance and human oversight. Conformity assessment follows.",
  citations: [{ title: 'The EU AI Act: high-risk systems', url: '/library/eu-ai-act-high-risk-systems' }],
  provider: 'knowledge',
  cached: false,
  stale: false,
};

export function setup(options: { speech?: DemoSpeech; search?: (query: string) => Promise<ApiResult<SearchResponse>> } = {}) {
  const synthesis = new FakeSynthesis();
  const recognition = new FakeRecognition();
  const speech: DemoSpeech = options.speech ?? {
    synthesis,
    createUtterance: (text) => new FakeUtterance(text),
    createRecognition: () => recognition,
  };
  const telemetry = { record: vi.fn(), start: vi.fn(), flush: vi.fn(), stop: vi.fn(), onExpiry: vi.fn() } satisfies TelemetryClient;
  const searchFn = vi.fn(options.search ?? (async () => ({ ok: true as const, data: LIBRARY, meta: { status: 200, clockSkewMs: 0 } })));
  const search: SearchClient = { search: (query) => searchFn(query), endpoint: async () => ({ url: '/api/voice-agent/responses-search', source: 'built-in' }) } as SearchClient;
  const server = { endSession: vi.fn(async () => ({ ok: true })), endSessionOnUnload: vi.fn(() => true) };
  const tokens: DemoSessionDeps['tokens'] = {
    acquire: async () => ({
      ok: true,
      data: { token: 'secret', sessionId: 'sess_demo', mode: 'demo', warnings: ['No API key configured: demo mode.'], expiresAtLocal: Date.now() + 600_000 },
      meta: { status: 200, clockSkewMs: 0 },
    }),
    clear: vi.fn(),
  };
  const session = new DemoSession({ tokens, search, telemetry, speech, seed: 7, lang: 'en-GB', replyDelayMs: 0, server });
  return { session, synthesis, recognition, telemetry, searchFn, server, tokens };
}

export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
export const last = <T>(items: readonly T[]) => items[items.length - 1]!;

/**
 * Session telemetry from the event stream: token usage summed over every `response.done`, and the
 * latency the user feels — from the end of their speech (`input_audio_buffer.speech_stopped`, wall
 * clock) or a typed message, to the first assistant audio (`app.first_audio` from the transport, the
 * first `response.output_audio.delta`, or `output_audio_buffer.started`, whichever comes first).
 *
 * Audio counts only if it belongs to a response created after the user finished: late audio from a
 * reply they just interrupted would otherwise look like an instant answer. A tool call in between
 * (search) is included on purpose: the user waits for it too.
 *
 * A pure reducer (time is passed in) plus a small stateful wrapper for the app.
 * Browser-only module: never import from `src/server/**` here.
 */
import { isAppEvent, isKnownServerEvent, type RealtimeInput } from './realtime-events';
import type { RealtimeUsage } from './server-event-types';

export interface TokenTotals {
  input: number;
  output: number;
  total: number;
  inputText: number;
  inputAudio: number;
  inputImage: number;
  inputCached: number;
  inputCachedText: number;
  inputCachedAudio: number;
  outputText: number;
  outputAudio: number;
}

export interface LatencySample {
  kind: 'first-audio';
  trigger: 'speech' | 'text';
  latencyMs: number;
  /** Wall time the audio started. */
  atMs: number;
}

export interface UsageState {
  responses: number;
  byStatus: Readonly<Record<string, number>>;
  tokens: TokenTotals;
  /** The usage of the latest finished response. */
  lastResponse: TokenTotals | null;
  /** Newest last; the oldest are dropped beyond `MAX_SAMPLES`. */
  samples: readonly LatencySample[];
  waiting: { sinceMs: number; trigger: 'speech' | 'text'; responseIds: readonly string[] } | null;
  countedResponseIds: readonly string[];
}

export const MAX_SAMPLES = 200;
const REMEMBERED_RESPONSES = 64;

export const ZERO_TOKENS: TokenTotals = {
  input: 0,
  output: 0,
  total: 0,
  inputText: 0,
  inputAudio: 0,
  inputImage: 0,
  inputCached: 0,
  inputCachedText: 0,
  inputCachedAudio: 0,
  outputText: 0,
  outputAudio: 0,
};

export function createUsageState(): UsageState {
  return { responses: 0, byStatus: {}, tokens: ZERO_TOKENS, lastResponse: null, samples: [], waiting: null, countedResponseIds: [] };
}

const n = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/** One response's usage as flat totals (missing details count as 0). */
export function tokensFromUsage(usage: RealtimeUsage): TokenTotals {
  const inDetails = usage.input_token_details ?? {};
  const cached = inDetails.cached_tokens_details ?? {};
  const outDetails = usage.output_token_details ?? {};
  const input = n(usage.input_tokens);
  const output = n(usage.output_tokens);
  return {
    input,
    output,
    total: n(usage.total_tokens) || input + output,
    inputText: n(inDetails.text_tokens),
    inputAudio: n(inDetails.audio_tokens),
    inputImage: n(inDetails.image_tokens),
    inputCached: n(inDetails.cached_tokens),
    inputCachedText: n(cached.text_tokens),
    inputCachedAudio: n(cached.audio_tokens),
    outputText: n(outDetails.text_tokens),
    outputAudio: n(outDetails.audio_tokens),
  };
}

export function addTokens(a: TokenTotals, b: TokenTotals): TokenTotals {
  const sum = { ...a };
  for (const key of Object.keys(sum) as Array<keyof TokenTotals>) sum[key] = a[key] + b[key];
  return sum;
}

export function usageReducer(state: UsageState, event: RealtimeInput, nowMs: number): UsageState {
  if (isAppEvent(event)) {
    if (event.type === 'app.user_text') return { ...state, waiting: { sinceMs: nowMs, trigger: 'text', responseIds: [] } };
    if (event.type === 'app.first_audio') return firstAudio(state, nowMs, undefined);
    return state;
  }
  if (!isKnownServerEvent(event)) return state;
  switch (event.type) {
    case 'input_audio_buffer.speech_started':
      // The user is (still) talking: the wait starts again when they stop.
      return state.waiting ? { ...state, waiting: null } : state;
    case 'input_audio_buffer.speech_stopped':
      return { ...state, waiting: { sinceMs: nowMs, trigger: 'speech', responseIds: [] } };
    case 'response.created':
      if (!state.waiting) return state;
      return { ...state, waiting: { ...state.waiting, responseIds: [...state.waiting.responseIds, event.response.id] } };
    case 'response.output_audio.delta':
    case 'output_audio_buffer.started':
      return firstAudio(state, nowMs, event.response_id);
    case 'response.done': {
      const { id, status = 'completed', usage } = event.response;
      if (state.countedResponseIds.includes(id)) return state;
      const tokens = usage ? tokensFromUsage(usage) : ZERO_TOKENS;
      return {
        ...state,
        responses: state.responses + 1,
        byStatus: { ...state.byStatus, [status]: (state.byStatus[status] ?? 0) + 1 },
        tokens: addTokens(state.tokens, tokens),
        lastResponse: tokens,
        countedResponseIds: [...state.countedResponseIds.slice(1 - REMEMBERED_RESPONSES), id],
      };
    }
    default:
      return state;
  }
}

function firstAudio(state: UsageState, nowMs: number, responseId: string | undefined): UsageState {
  const waiting = state.waiting;
  if (!waiting) return state;
  if (responseId !== undefined && !waiting.responseIds.includes(responseId)) return state;
  const sample: LatencySample = { kind: 'first-audio', trigger: waiting.trigger, latencyMs: Math.max(0, nowMs - waiting.sinceMs), atMs: nowMs };
  return { ...state, waiting: null, samples: [...state.samples.slice(1 - MAX_SAMPLES), sample] };
}

export interface LatencyStats {
  count: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of the samples, or null when there are none. */
export function latencyStats(samples: readonly LatencySample[]): LatencyStats | null {
  if (samples.length === 0) return null;
  const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { count: sorted.length, medianMs: rank(0.5), p95Ms: rank(0.95), maxMs: sorted[sorted.length - 1] };
}

export interface UsageMeter {
  handle(event: RealtimeInput): void;
  readonly state: UsageState;
  reset(): void;
}

/** The reducer with a clock, calling `onSample` for each new latency sample. */
export function createUsageMeter(options: { now?: () => number; onSample?: (sample: LatencySample) => void } = {}): UsageMeter {
  const now = options.now ?? (() => Date.now());
  let state = createUsageState();
  return {
    handle(event) {
      const before = state;
      state = usageReducer(state, event, now());
      const sample = state.samples[state.samples.length - 1];
      if (sample && state.samples !== before.samples) options.onSample?.(sample);
    },
    get state() {
      return state;
    },
    reset() {
      state = createUsageState();
    },
  };
}

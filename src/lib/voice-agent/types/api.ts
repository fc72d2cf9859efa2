/**
 * Wire types of the voice-agent HTTP API, as the browser sees them.
 * Browser-only module: never import from `src/server/**` here.
 */

export const COACH_MODES = ['realtime', 'fallback', 'demo'] as const;

/** realtime = live voice (WebRTC), fallback = chat + speech, demo = scripted, no API key configured. */
export type CoachMode = (typeof COACH_MODES)[number];

/** `POST /api/voice-agent/token` and `POST /api/voice-agent/refresh-token` success body. */
export interface TokenResponse {
  success: boolean;
  /** Ephemeral credential. Secret: never render it, never log it. */
  token: string;
  /** Epoch milliseconds (server clock). */
  expiresAt: number;
  sessionId: string;
  mode: CoachMode;
  warnings?: string[];
  /** Realtime mode only: where to connect with the token (server configuration). */
  realtime?: RealtimeTarget;
  /** The practice scenario the session is for (its instructions stay on the server). */
  scenario?: { id: string; title: string };
  /**
   * True when the server meters the session and may end it (issue 8): realtime and fallback sessions alike
   * (never demo). Follow it with `session-status`.
   */
  metered?: boolean;
}

/** WebRTC posts the SDP offer to `{url}/calls`; WebSocket connects to `{url}?model={model}` (ws/wss). */
export interface RealtimeTarget {
  url: string;
  model: string;
  /**
   * Metered sessions (issue 8): the server is in the path. `url` is then the app's own `/api/voice-agent`
   * (WebRTC posts the offer to `/api/voice-agent/calls` with the session token) and the WebSocket transport
   * connects to this relay instead (a same-origin path such as `/api/voice-agent/realtime`).
   */
  websocketUrl?: string;
  /** True when the server meters this session and may end it (see `SessionStatusResponse`). */
  metered?: boolean;
}

/** Why the server ends a metered session (see docs/cost-control.md). */
export type BudgetLimit = 'session_minutes' | 'daily_minutes' | 'daily_cost' | 'session_cost' | 'operator';

/** `POST /api/voice-agent/session-status` success body: the server's meter for a live session. */
export interface SessionStatusResponse {
  success: true;
  /** False for sessions the server does not meter (direct WebRTC with an ephemeral key, fallback, demo). */
  metered: boolean;
  /** Server clock (epoch ms), to correct the client's clock when counting down. */
  serverTime: number;
  startedAt: number;
  /** When the server will end the session unless something changes (epoch ms, server clock), and why. */
  endsAt?: number;
  limit?: BudgetLimit;
  /** The server warns this many seconds before `endsAt` (60 by default). */
  warningSeconds: number;
  usage?: {
    inputTextTokens: number;
    inputAudioTokens: number;
    cachedTokens: number;
    outputTextTokens: number;
    outputAudioTokens: number;
  };
  /** Estimated cost so far (USD, from the server's pricing table). */
  costUsd?: number;
  connectedSeconds?: number;
  /** Present once the server has closed the session's voice: show the message, keep the transcript. */
  ended?: { reason: BudgetLimit; message: string };
}

/** `GET /api/voice-agent/health` body. */
export interface HealthResponse {
  status: 'healthy' | 'degraded' | 'unhealthy';
  apiKey: boolean;
  realtimeAPI: boolean;
  timestamp: number;
}

/** `POST /api/voice-agent/end-session` success body (anything beyond `success` is ignored). */
export interface EndSessionResponse {
  success: boolean;
}

export const SEARCH_PROVIDERS = ['openai', 'searxng', 'knowledge'] as const;

/** Which source answered a search: OpenAI web search, a SearXNG instance, or the platform's own library. */
export type SearchProvider = (typeof SEARCH_PROVIDERS)[number];

/** A source behind a search answer. `url` is an absolute http(s) URL or a same-origin path (`/…`). */
export interface Citation {
  title: string;
  url: string;
}

/** `POST /api/voice-agent/responses-search` (and the dev search server's `POST /search`) success body. */
export interface SearchResponse {
  /** Short, speakable plain text. */
  answer: string;
  citations: Citation[];
  provider: SearchProvider;
  /** Served from the server's cache. */
  cached: boolean;
  /** An earlier answer, served because search is unavailable right now. */
  stale: boolean;
}

/** The one JSON error shape every API route answers with. */
export interface ApiErrorBody {
  success: false;
  error: {
    code: string;
    message: string;
  };
  /** Seconds; mirrors the `Retry-After` header on 429/503. */
  retryAfter?: number;
}

/**
 * What went wrong, from the browser's point of view.
 * - `http`: the server answered with a non-2xx status (its JSON error, if any, is in `code`/`message`)
 * - `network`: no answer (offline, DNS, connection reset, CORS refusal)
 * - `timeout`: no answer within the client's time limit
 * - `invalid-response`: a 2xx answer whose body is not what the API promises
 */
export type ApiFailureKind = 'http' | 'network' | 'timeout' | 'invalid-response';

export interface ApiFailure {
  kind: ApiFailureKind;
  /** HTTP status, when there was a response. */
  status?: number;
  /** The API's error code (e.g. `RATE_LIMITED`), when it sent the JSON error shape. */
  code?: string;
  /** The API's own message, when it sent one; otherwise a short technical description. */
  message: string;
  /** Seconds to wait before retrying, from `Retry-After` (preferred) or the body's `retryAfter`. */
  retryAfterSeconds?: number;
}

/** Response metadata the UI may need besides the body. */
export interface ResponseMeta {
  status: number;
  /** Server clock minus client clock, in ms, estimated from the `Date` header (0 if absent). */
  clockSkewMs: number;
}

/** Every client function returns a value; none throws. */
export type ApiResult<T> = { ok: true; data: T; meta: ResponseMeta } | { ok: false; error: ApiFailure };

/** One rubric criterion of a scorecard: its score 1–5 and the user's own words as evidence. */
export interface ScorecardCriterion {
  id: string;
  criterion: string;
  /** Whole-number weight; a rubric's weights add up to 100. */
  weight: number;
  score: number;
  /** Quotes copied word for word from what the user said (never the coach's words). */
  evidence: string[];
  comment: string;
}

/**
 * `POST /api/voice-agent/grade` success body (docs/scorecards.md): the session graded against its scenario's
 * rubric. `overall` is 0–100, computed on the server from the weights. `next.articles` are knowledge-base
 * slugs (`/library/<slug>`), `next.scenario` a scenario id (`/scenarios/<id>`).
 */
export interface Scorecard {
  scenario: { id: string; title: string };
  overall: number;
  criteria: ScorecardCriterion[];
  strengths: string[];
  improvements: string[];
  next: { articles: string[]; scenario?: string };
  /** `heuristic`: the transparent rule-based grader (demo sessions); its `notes` say so. */
  grader: 'model' | 'heuristic';
  notes: string[];
  /**
   * A short summary of this session for the coach to pick up from next time (only with the user's consent).
   * `summary` is shown to the user; `token` is the server-signed form the next token request carries
   * (`recap`), so the browser never supplies instruction text. Absent when the server cannot sign one.
   */
  recap?: SessionRecap;
}

export interface SessionRecap {
  /** Plain words, ≤ 600 characters: what the coach will be told. */
  summary: string;
  /** Opaque, server-signed (scenario-bound, expires); not a credential. */
  token: string;
}

/** The body of `POST /api/voice-agent/grade`. */
export interface GradeRequest {
  sessionId: string;
  scenarioId?: string;
  transcript: { role: 'user' | 'assistant'; text: string; status?: string }[];
}

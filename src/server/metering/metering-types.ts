/**
 * Cost control's contracts (issue 8): what a metered session used, what it cost, which budget ends it,
 * and the store that shares all of that across instances. Money is kept in integer nano-dollars
 * (1e-9 USD) so Redis can add it atomically (HINCRBY/INCRBY) without float drift: one cached text
 * token at $0.40 per million is 400 nano-dollars.
 */

/** Token counts of one `response.done` (or their sum over a session). Cached counts are part of the input counts. */
export interface TokenUsage {
  inputTextTokens: number;
  inputAudioTokens: number;
  inputImageTokens: number;
  cachedTextTokens: number;
  cachedAudioTokens: number;
  cachedImageTokens: number;
  outputTextTokens: number;
  outputAudioTokens: number;
}

export const USAGE_FIELDS = [
  'inputTextTokens',
  'inputAudioTokens',
  'inputImageTokens',
  'cachedTextTokens',
  'cachedAudioTokens',
  'cachedImageTokens',
  'outputTextTokens',
  'outputAudioTokens',
] as const satisfies readonly (keyof TokenUsage)[];

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  inputTextTokens: 0,
  inputAudioTokens: 0,
  inputImageTokens: 0,
  cachedTextTokens: 0,
  cachedAudioTokens: 0,
  cachedImageTokens: 0,
  outputTextTokens: 0,
  outputAudioTokens: 0,
});

/** USD per million tokens, for one modality of one model. */
export interface ModalityPrice {
  input: number;
  cachedInput: number;
  output: number;
}

/** One model's prices; `image` only for models that take images (input side only). */
export interface ModelPrice {
  text: ModalityPrice;
  audio: ModalityPrice;
  image?: Omit<ModalityPrice, 'output'>;
}

/** Model id → prices (built-in defaults merged with MODEL_PRICES). */
export type PricingTable = Readonly<Record<string, ModelPrice>>;

/**
 * Why the server ends (or would end) a session:
 * - `session_minutes`: SESSION_MAX_MINUTES since the session started;
 * - `daily_minutes`: the client IP's DAILY_MINUTES_PER_IP of connected voice today (UTC);
 * - `daily_cost`: DAILY_COST_LIMIT_USD of estimated spend today across all sessions (UTC);
 * - `session_cost`: SESSION_COST_LIMIT_USD of estimated spend in this session;
 * - `operator`: ended through `POST /api/admin/sessions/{id}/end`.
 */
export type BudgetLimit = 'session_minutes' | 'daily_minutes' | 'daily_cost' | 'session_cost' | 'operator';
export const BUDGET_LIMITS = ['session_minutes', 'daily_minutes', 'daily_cost', 'session_cost', 'operator'] as const satisfies readonly BudgetLimit[];

/** The budgets, from configuration (undefined = no such limit). */
export interface BudgetConfig {
  sessionMaxMs: number;
  dailySecondsPerIp: number | undefined;
  dailyCostLimitNanoUsd: number | undefined;
  sessionCostLimitNanoUsd: number | undefined;
  /** How long before the end the client is told (BUDGET_WARNING_SECONDS, default 60 s). */
  warningMs: number;
}

/** What the budget policy needs to know about one live session, right now. */
export interface BudgetInputs {
  now: number;
  /** When the session was created (epoch ms): SESSION_MAX_MINUTES counts from here. */
  sessionStartedAt: number;
  /** Connected seconds the session's IP has used today, this session included. */
  ipSecondsToday: number;
  dayCostNanoUsd: number;
  sessionCostNanoUsd: number;
  /** Seconds this session has been connected (for its spend rate). */
  sessionConnectedSeconds: number;
}

/**
 * The verdict for one live session: when it ends and why (the earliest limit), and whether the client
 * should already have been warned (`now >= endsAt - warningMs`) or the session is over (`now >= endsAt`).
 * `endsAt` is undefined when no limit applies (cannot happen while SESSION_MAX_MINUTES is set, which it always is).
 */
export interface BudgetVerdict {
  endsAt: number;
  limit: Exclude<BudgetLimit, 'operator'>;
  phase: 'running' | 'warning' | 'over';
}

/** Why a new token is refused: the exhausted daily limit, and when it resets (next 00:00 UTC). */
export interface BudgetRefusal {
  limit: 'daily_minutes' | 'daily_cost';
  resetsAt: number;
}

/** How the server closed a session's voice (first reason wins; later closes keep it). */
export interface SessionClosure {
  reason: BudgetLimit;
  /** Plain words for the user. */
  message: string;
  at: number;
}

/** Which connection carries a metered session's voice, and where it is held. */
export interface SessionLink {
  transport: 'webrtc' | 'websocket';
  /** OpenAI's call id (`rtc_…`), WebRTC only: any instance can hang the call up with it. */
  callId?: string;
  /** The instance holding the control connection (sideband or relay). */
  instanceId: string;
  /** The model the call runs (for pricing). */
  model: string;
}

/** One session's meter, as shared between instances. */
export interface SessionLedger {
  sessionId: string;
  usage: TokenUsage;
  costNanoUsd: number;
  /** Seconds the session's voice was connected (counted by the instance holding it). */
  connectedSeconds: number;
  /** The latest verdict the holding instance computed (what the status endpoint reports). */
  endsAt?: number;
  limit?: BudgetVerdict['limit'];
  link?: SessionLink;
  closed?: SessionClosure;
  updatedAt: number;
}

/** A UTC calendar day, `YYYY-MM-DD`: the daily budgets' key. */
export type UtcDay = string;

/**
 * The metering seam: a memory implementation (one instance) and a Redis one (every instance sees the
 * same ledgers and daily totals). Every write is atomic on its own (HINCRBY / INCRBY), so two instances
 * adding usage for the same IP or day at once never lose an update.
 */
export interface MeterStore {
  /** Adds one response's usage and cost to the session's ledger and to the day's global spend. */
  addUsage(sessionId: string, usage: TokenUsage, costNanoUsd: number, day: UtcDay, now: number): Promise<{ sessionCostNanoUsd: number; dayCostNanoUsd: number }>;
  /** Adds connected seconds (may be fractional) to the session's ledger and to the IP's day. */
  addSeconds(sessionId: string, ip: string, seconds: number, day: UtcDay, now: number): Promise<{ sessionSeconds: number; ipSecondsToday: number }>;
  /** Records where the session's voice is held (replaces the previous link: a reconnect is a new call). */
  link(sessionId: string, link: SessionLink, now: number): Promise<void>;
  /** Stores the holder's latest verdict for the status endpoint and the admin list. */
  setVerdict(sessionId: string, verdict: Pick<BudgetVerdict, 'endsAt' | 'limit'>, now: number): Promise<void>;
  /** Marks the session's voice closed by the server; idempotent, the first closure wins and is returned. */
  close(sessionId: string, closure: SessionClosure): Promise<SessionClosure>;
  /** One ledger, or null when the session was never metered (or its ledger expired). */
  ledger(sessionId: string): Promise<SessionLedger | null>;
  /** Several ledgers at once (the admin list); ids without a ledger are absent from the map. */
  ledgers(sessionIds: readonly string[]): Promise<Map<string, SessionLedger>>;
  dayCost(day: UtcDay): Promise<number>;
  ipSeconds(ip: string, day: UtcDay): Promise<number>;
  /** True while the store is serving from a local fallback because shared state is away. */
  isDegraded(): boolean;
  /** Stops background work (timers); the Redis client is closed by its owner. */
  dispose?(): Promise<void>;
}

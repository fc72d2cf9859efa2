/**
 * The Token Generation Flow (architecture): rate limit → API key check → tier detection → token,
 * plus session registration and its quotas. CORS runs before this, in middleware. Every refusal is an
 * `ApiError` with the status the architecture names; every success is counted and logged without the
 * token. A request may name a practice scenario: the server binds that scenario's instructions (realtime: at
 * mint time; fallback/demo: as the signed token's `scenario` claim) and the session keeps it for refreshes. It may
 * also carry the previous session's signed recap (token-recap.ts): the session keeps the verified summary.
 */
import type { Config } from '../config';
import type { Scenario, ScenarioCatalogue } from '../coach/scenario-catalogue';
import { coachInstructions } from '../coach/scenario-instructions';
import { ApiError } from '../http/api-error';
import type { RateLimits } from '../limits/rate-limits';
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { OpenAIUpstream } from '../openai/openai-upstream';
import { UpstreamCallError } from '../openai/openai-upstream';
import type { TierDetector } from '../openai/tier-detector';
import { explainFailure } from '../openai/upstream-error';
import type { SessionMode, SessionRecord, SessionStore } from '../sessions/session-store';
import { signSessionToken, signingKey } from './signed-token';
import { decideMode, degradeAfterMintFailure, type ModeDecision } from './mode-decision';
import { rateLimitError } from './limit-errors';
import { registerSession } from './session-registration';
import { createTokenScenarios } from './token-scenario';
import { createTokenRecaps } from './token-recap';
import { createTokenBudgets, METERED_TARGET } from './token-budgets';
import type { MeterStore } from '../metering/metering-types';

export interface TokenResponse {
  success: true;
  token: string;
  expiresAt: number; // epoch ms
  sessionId: string;
  mode: SessionMode;
  warnings?: string[];
  /** Realtime mode: where the browser connects with the token (WebRTC `{url}/calls`, WebSocket `{url}?model=`). */
  realtime?: { url: string; model: string };
  /** The practice scenario bound to the session (never its instructions). */
  scenario?: { id: string; title: string };
  /** The server meters this session and may end it (cost control): the browser follows `session-status`. */
  metered?: true;
}

export interface IssueTokenOptions {
  /** A scenario id from the catalogue; absent: free coaching. */
  scenarioId?: string;
  /** The previous session's recap token (from a scorecard); verified here, never trusted as text. */
  recap?: string;
}

export interface TokenServiceDeps {
  config: Pick<
    Config,
    | 'demoMode'
    | 'openaiApiKey'
    | 'realtimeModel'
    | 'realtimeUrl'
    | 'tokenTtlSeconds'
    | 'maxSessionsPerIp'
    | 'maxConcurrentConnections'
    | 'totalActiveConnections'
    | 'tokenRefreshLimit'
    | 'sessionSecret'
    | 'metered'
    | 'budgets'
  >;
  /** The shared meter (metered sessions only): daily budgets, closed sessions. */
  meter?: MeterStore;
  store: SessionStore;
  limits: RateLimits;
  upstream: OpenAIUpstream | undefined;
  tier: TierDetector | undefined;
  metrics: Metrics;
  logger: Logger;
  instanceId: string;
  /** The practice scenarios a token request may name; absent: none (free coaching only). */
  scenarios?: Pick<ScenarioCatalogue, 'get'>;
  now?: () => number;
}

export function createTokenService(deps: TokenServiceDeps) {
  const { config, store, limits, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const ttlMs = config.tokenTtlSeconds * 1000;
  const key = signingKey(config.sessionSecret);

  const budgets = createTokenBudgets({ config, meter: deps.meter, metrics, logger, now });
  const connectTarget = (mode: SessionMode) => {
    const metered = budgets.metersRealtime && mode !== 'demo' ? ({ metered: true } as const) : {};
    if (mode !== 'realtime') return metered;
    const model = config.realtimeModel;
    return { ...metered, realtime: budgets.metersRealtime ? { ...METERED_TARGET, model } : { url: config.realtimeUrl, model } };
  };
  const scenarios = createTokenScenarios(deps.scenarios, logger);
  const recaps = createTokenRecaps({ key, logger, now });
  const mintSecret = (scenario: Scenario | undefined, recap: string | undefined) =>
    deps.upstream!.mintRealtimeSecret(config.tokenTtlSeconds, { instructions: coachInstructions(scenario, recap) });
  /** The instructions bound to a live session (its scenario and verified recap), for the server-side connections. */
  const instructionsFor = (record: SessionRecord) => {
    const scenario = scenarios.ofSession(record);
    return coachInstructions(scenario, recaps.ofSession(record, scenario));
  };

  async function checkIpRate(ip: string, endpoint: string) {
    const decision = await limits.perIp(ip);
    if (decision.allowed) return;
    metrics.rateLimitHits.inc({ limit: 'ip_requests' });
    logger.warn(
      { event: 'rateLimitExceeded', ip, attempts: decision.limit + 1, endpoint, retryAfter: decision.retryAfterSeconds },
      'rateLimitExceeded',
    );
    throw rateLimitError(decision.retryAfterSeconds, 'Too many token requests from your network. Please wait and try again.');
  }

  const register = (ip: string, mode: SessionMode, expiresAt: number, scenario: Scenario | undefined, recap: string | undefined) =>
    registerSession({ store, config, metrics, logger, instanceId: deps.instanceId, now }, { ip, mode, expiresAt, scenarioId: scenario?.id, recap });

  async function signedToken(record: SessionRecord): Promise<string> {
    return signSessionToken(key, {
      sessionId: record.id,
      mode: record.mode,
      expiresAtMs: record.expiresAt,
      scenarioId: record.scenarioId,
    });
  }

  /** tokenGenerationTime, tokensGenerated and the `tokenGenerated {mode, duration, scenario?}` log line. */
  function recordIssued(record: SessionRecord, startedAt: number, kind: 'new' | 'refresh' | 'switch') {
    const seconds = (performance.now() - startedAt) / 1000;
    metrics.tokenGenerationSeconds.observe({ mode: record.mode }, seconds);
    metrics.tokensGenerated.inc({ mode: record.mode, kind });
    logger.info(
      {
        event: 'tokenGenerated',
        mode: record.mode,
        duration: Math.round(seconds * 1000),
        kind,
        refreshCount: record.refreshCount,
        sessionId: shortId(record.id),
        ...(record.scenarioId ? { scenario: record.scenarioId } : {}),
        ...(record.recap ? { recap: true } : {}),
      },
      'tokenGenerated',
    );
  }

  async function issueToken(ip: string, options: IssueTokenOptions = {}): Promise<TokenResponse> {
    const started = performance.now();
    // Checked first, like the body it came in: an unknown scenario spends no rate-limit budget.
    const scenario = scenarios.requested(options.scenarioId);
    await checkIpRate(ip, 'token');
    let decision: ModeDecision = await decideMode({ config, tier: deps.tier });

    const mintBudget = await limits.instanceTokens();
    if (!mintBudget.allowed) {
      metrics.rateLimitHits.inc({ limit: 'instance_tokens' });
      throw new ApiError(
        503,
        'instance_token_limit',
        'The coach is handling many new sessions right now. Please try again shortly.',
        { 'Retry-After': String(mintBudget.retryAfterSeconds) },
        { retryAfter: mintBudget.retryAfterSeconds },
      );
    }

    await budgets.checkNewSession(ip, decision.mode);
    const recap = await recaps.accept(options.recap, scenario);
    let record = await register(ip, decision.mode, now() + ttlMs, scenario, recap.summary);
    let token: string;
    if (decision.mode === 'realtime' && !budgets.metersRealtime) {
      try {
        const secret = await mintSecret(scenario, recap.summary);
        token = secret.value;
        // The registry's expiry (set before minting) is never later than the secret's: report that one,
        // so a client refreshing "before expiresAt" is always inside the session's lifetime.
        record = { ...record, expiresAt: Math.min(record.expiresAt, secret.expiresAtMs) };
      } catch (error) {
        await store.end(record.id, now());
        if (!(error instanceof UpstreamCallError)) throw error;
        metrics.failedConnections.inc({ reason: `mint_${error.failure.kind}` });
        logger.warn({ event: 'connectionFailed', reason: error.failure.kind, clientInfo: { ip } }, 'connectionFailed');
        decision = await degradeAfterMintFailure(error, deps);
        record = await register(ip, decision.mode, now() + ttlMs, scenario, recap.summary);
        token = await signedToken(record);
      }
    } else {
      token = await signedToken(record);
    }

    recordIssued(record, started, 'new');
    const warnings = recap.warning ? [...decision.warnings, recap.warning] : decision.warnings;
    return {
      success: true,
      token,
      expiresAt: record.expiresAt,
      sessionId: record.id,
      mode: record.mode,
      ...(warnings.length ? { warnings } : {}),
      ...connectTarget(record.mode),
      ...scenarios.summary(scenario),
    };
  }

  /**
   * A fresh token for a live session. With `mode: 'fallback'` a realtime session becomes a fallback
   * session (same id, counted as a refresh) when live voice fails mid-session; a demo session cannot.
   */
  async function refreshToken(ip: string, sessionId: string, options: { mode?: 'fallback' } = {}): Promise<TokenResponse> {
    const started = performance.now();
    await checkIpRate(ip, 'refresh-token');
    const switchMode = options.mode === 'fallback' ? ({ from: 'realtime', to: 'fallback' } as const) : undefined;
    await budgets.checkRefresh(sessionId);
    const result = await store.refresh(sessionId, now() + ttlMs, config.tokenRefreshLimit, now(), switchMode);
    if (!result.ok) {
      if (result.reason === 'not_found') throw sessionNotFound();
      if (result.reason === 'wrong_mode') {
        throw new ApiError(403, 'wrong_mode', 'A demo session cannot switch to fallback mode. Start a new session instead.');
      }
      metrics.rateLimitHits.inc({ limit: 'token_refresh' });
      throw new ApiError(
        429,
        'refresh_limit_reached',
        `This session has used all ${config.tokenRefreshLimit} token refreshes. Start a new session to continue.`,
      );
    }
    const record = result.record;
    const scenario = scenarios.ofSession(record);
    let token: string;
    let expiresAt = record.expiresAt;
    if (record.mode === 'realtime' && !budgets.metersRealtime) {
      try {
        const secret = await mintSecret(scenario, recaps.ofSession(record, scenario));
        token = secret.value;
        expiresAt = Math.min(expiresAt, secret.expiresAtMs);
      } catch (error) {
        if (!(error instanceof UpstreamCallError)) throw error;
        metrics.failedConnections.inc({ reason: `refresh_${error.failure.kind}` });
        if (error.failure.kind === 'no_realtime_access') return degradeOnRefresh(record, scenario, error, started);
        throw new ApiError(503, 'upstream_unavailable', `${explainFailure(error.failure, config.realtimeModel)} Please try again shortly.`, {
          'Retry-After': '5',
        }, { retryAfter: 5 });
      }
    } else {
      token = await signedToken(record);
    }
    recordIssued(record, started, result.previousMode === record.mode ? 'refresh' : 'switch');
    const { id, mode } = record;
    return { success: true, token, expiresAt, sessionId: id, mode, ...connectTarget(mode), ...scenarios.summary(scenario) };
  }

  /**
   * The key lost realtime access during a live session: rather than a retry that cannot succeed, the session
   * continues in fallback mode (the client sees mode `fallback` and hands the conversation over). The switch
   * the server forces here goes through even when the refresh that found it was the client's last.
   */
  async function degradeOnRefresh(record: SessionRecord, scenario: Scenario | undefined, error: UpstreamCallError, started: number): Promise<TokenResponse> {
    await deps.tier?.remember('standard');
    const switched = await store.refresh(record.id, now() + ttlMs, config.tokenRefreshLimit + 1, now(), { from: 'realtime', to: 'fallback' });
    if (!switched.ok) throw sessionNotFound();
    recordIssued(switched.record, started, 'switch');
    return {
      success: true,
      token: await signedToken(switched.record),
      expiresAt: switched.record.expiresAt,
      sessionId: switched.record.id,
      mode: switched.record.mode,
      warnings: [`${explainFailure(error.failure, config.realtimeModel)} Using chat and speech (fallback mode) instead of live voice.`],
      ...scenarios.summary(scenario),
    };
  }

  async function endSession(sessionId: string): Promise<void> {
    const ended = await store.end(sessionId, now());
    if (!ended) throw sessionNotFound();
    metrics.sessionDurationSeconds.observe({ mode: ended.mode }, Math.max(0, (now() - ended.createdAt) / 1000));
    await budgets.observeEnded(ended).catch(() => undefined);
    logger.info({ event: 'sessionEnded', mode: ended.mode, sessionId: shortId(ended.id) }, 'sessionEnded');
  }

  return { issueToken, refreshToken, endSession, instructionsFor };
}

export type TokenService = ReturnType<typeof createTokenService>;

function sessionNotFound(): ApiError {
  return new ApiError(404, 'session_not_found', 'This session has ended or expired. Start a new session.');
}

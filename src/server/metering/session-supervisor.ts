/**
 * One per instance: meters the voice connections this instance holds (WebRTC sidebands, WebSocket
 * relays) and ends them when a budget runs out. Every tick (1 s) it adds each connection's connected
 * time to its session and its IP's day, recomputes when the session must end (budget-policy.ts),
 * publishes that verdict for the status endpoint, warns once `warningMs` ahead, and at the end closes the
 * session's voice (first closure wins in the shared store) and terminates its connections. A closure
 * written elsewhere (an operator on another instance) or a session that is gone from the registry ends
 * the connections here within a tick.
 */
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SessionStore } from '../sessions/session-store';
import { budgetMessage, evaluateBudget } from './budget-policy';
import type { BudgetConfig, MeterStore, PricingTable, SessionClosure } from './metering-types';
import { costNanoUsd, nanoToUsd } from './pricing';
import type { MeteredConnection, SessionSupervisor, SupervisedConnection } from './supervisor-types';
import { usageFromResponseDone } from './usage';
import { utcDay } from './utc-day';

export interface SupervisorDeps {
  meter: MeterStore;
  sessions: Pick<SessionStore, 'get'>;
  budgets: BudgetConfig;
  pricing: PricingTable;
  metrics: Metrics;
  logger: Logger;
  /** This instance: recorded as the holder of each connection it meters. */
  instanceId: string;
  tickMs?: number;
  now?: () => number;
}

interface Held {
  connection: MeteredConnection;
  lastCountedAt: number;
  terminated: boolean;
}

interface SessionGroup {
  held: Set<Held>;
  warned: boolean;
  lastVerdict?: { endsAt: number; limit: string };
  busy: boolean;
}

export function createSessionSupervisor(deps: SupervisorDeps): SessionSupervisor {
  const { meter, budgets, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const groups = new Map<string, SessionGroup>();
  const timer = setInterval(() => void tickAll(), deps.tickMs ?? 1000);
  timer.unref();

  function updateGauge() {
    const byTransport = { webrtc: 0, websocket: 0 };
    for (const group of groups.values()) for (const held of group.held) byTransport[held.connection.transport] += 1;
    for (const [transport, count] of Object.entries(byTransport)) metrics.cost.meteredConnections.set({ transport }, count);
  }

  async function terminateGroup(sessionId: string, group: SessionGroup, closure: SessionClosure | undefined) {
    groups.delete(sessionId);
    updateGauge();
    await Promise.all(
      [...group.held].map(async (held) => {
        if (held.terminated) return;
        held.terminated = true;
        await held.connection.terminate(closure).catch(() => undefined);
      }),
    );
  }

  async function tick(sessionId: string, group: SessionGroup) {
    const at = now();
    const day = utcDay(at);
    let seconds = 0;
    let ip = '';
    let startedAt = at;
    for (const held of group.held) {
      seconds += Math.max(0, at - held.lastCountedAt) / 1000;
      held.lastCountedAt = at;
      ip = held.connection.session.ip;
      startedAt = held.connection.session.createdAt;
    }
    const [counted, session, ledger, dayCost] = await Promise.all([
      meter.addSeconds(sessionId, ip, seconds, day, at),
      deps.sessions.get(sessionId, at),
      meter.ledger(sessionId),
      meter.dayCost(day),
    ]);
    if (ledger?.closed) return terminateGroup(sessionId, group, ledger.closed);
    if (!session) {
      logger.info({ event: 'meteredSessionGone', sessionId: shortId(sessionId) }, 'session ended or expired: closing its voice');
      return terminateGroup(sessionId, group, undefined);
    }
    const verdict = evaluateBudget(budgets, {
      now: at,
      sessionStartedAt: startedAt,
      ipSecondsToday: counted.ipSecondsToday,
      dayCostNanoUsd: dayCost,
      sessionCostNanoUsd: ledger?.costNanoUsd ?? 0,
      sessionConnectedSeconds: counted.sessionSeconds,
    });
    const last = group.lastVerdict;
    if (!last || last.limit !== verdict.limit || Math.abs(last.endsAt - verdict.endsAt) >= 1000) {
      group.lastVerdict = { endsAt: verdict.endsAt, limit: verdict.limit };
      await meter.setVerdict(sessionId, verdict, at);
    }
    if (verdict.phase === 'warning' && !group.warned) {
      group.warned = true;
      metrics.cost.budgetDecisions.inc({ limit: verdict.limit, decision: 'warned' });
      logger.info(
        { event: 'budgetWarning', sessionId: shortId(sessionId), limit: verdict.limit, endsInSeconds: Math.round((verdict.endsAt - at) / 1000) },
        'budgetWarning',
      );
    }
    if (verdict.phase !== 'over') return;
    const closure = await meter.close(sessionId, { reason: verdict.limit, message: budgetMessage('ended', verdict.limit, budgets, { now: at }), at });
    metrics.cost.budgetDecisions.inc({ limit: closure.reason, decision: 'ended' });
    logger.warn(
      {
        event: 'sessionLimitReached',
        sessionId: shortId(sessionId),
        limit: closure.reason,
        connectedSeconds: Math.round(counted.sessionSeconds),
        costUsd: nanoToUsd(ledger?.costNanoUsd ?? 0),
        ip,
      },
      'sessionLimitReached',
    );
    await terminateGroup(sessionId, group, closure);
  }

  async function tickAll() {
    await Promise.all(
      [...groups].map(async ([sessionId, group]) => {
        if (group.busy) return; // a slow store never stacks ticks
        group.busy = true;
        try {
          await tick(sessionId, group);
        } catch (error) {
          logger.warn({ event: 'meteringError', sessionId: shortId(sessionId), err: error instanceof Error ? { message: error.message } : String(error) }, 'metering tick failed');
        } finally {
          group.busy = false;
        }
      }),
    );
  }

  async function recordUsage(connection: MeteredConnection, event: unknown) {
    const usage = usageFromResponseDone(event);
    if (!usage) return;
    const price = deps.pricing[connection.model];
    const cost = price ? costNanoUsd(usage, price) : 0;
    const at = now();
    await meter.addUsage(connection.session.id, usage, cost, utcDay(at), at);
    const model = connection.model;
    const counters = metrics.cost.meteredTokens;
    counters.inc({ model, direction: 'input', modality: 'text' }, usage.inputTextTokens - usage.cachedTextTokens);
    counters.inc({ model, direction: 'input', modality: 'audio' }, usage.inputAudioTokens - usage.cachedAudioTokens);
    counters.inc({ model, direction: 'input', modality: 'image' }, usage.inputImageTokens - usage.cachedImageTokens);
    counters.inc({ model, direction: 'cached', modality: 'text' }, usage.cachedTextTokens);
    counters.inc({ model, direction: 'cached', modality: 'audio' }, usage.cachedAudioTokens);
    counters.inc({ model, direction: 'cached', modality: 'image' }, usage.cachedImageTokens);
    counters.inc({ model, direction: 'output', modality: 'text' }, usage.outputTextTokens);
    counters.inc({ model, direction: 'output', modality: 'audio' }, usage.outputAudioTokens);
    metrics.cost.estimatedCostUsd.inc({ model }, nanoToUsd(cost));
    if (!price) logger.warn({ event: 'unpricedModel', model }, 'no price for this model: usage metered at $0');
  }

  return {
    async attach(connection): Promise<SupervisedConnection> {
      const sessionId = connection.session.id;
      let group = groups.get(sessionId);
      if (!group) groups.set(sessionId, (group = { held: new Set(), warned: false, busy: false }));
      const held: Held = { connection, lastCountedAt: now(), terminated: false };
      group.held.add(held);
      updateGauge();
      const { transport, callId } = connection;
      await meter.link(sessionId, { transport, ...(callId ? { callId } : {}), instanceId: deps.instanceId, model: connection.model }, now());
      let detached = false;
      return {
        onServerEvent(event) {
          if (event.type !== 'response.done' || detached) return;
          recordUsage(connection, event).catch((error: unknown) =>
            logger.warn({ event: 'meteringError', sessionId: shortId(sessionId), err: error instanceof Error ? { message: error.message } : String(error) }, 'usage not recorded'),
          );
        },
        detach() {
          if (detached) return;
          detached = true;
          const current = groups.get(sessionId);
          if (!current) return;
          const at = now();
          // The last partial second still counts: a connection that closes between ticks used it.
          const seconds = Math.max(0, at - held.lastCountedAt) / 1000;
          held.lastCountedAt = at;
          if (seconds > 0) void meter.addSeconds(sessionId, connection.session.ip, seconds, utcDay(at), at).catch(() => undefined);
          current.held.delete(held);
          if (current.held.size === 0) groups.delete(sessionId);
          updateGauge();
        },
      };
    },
    size: () => [...groups.values()].reduce((n, g) => n + g.held.size, 0),
    stop: () => clearInterval(timer),
  };
}

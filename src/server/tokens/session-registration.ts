/**
 * Registers a new session in the shared registry under the three quotas (per IP, per instance, across
 * all instances); a full quota is counted, logged and refused (429 for the IP's own quota, 503 for capacity).
 */
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { newSessionId } from '../sessions/session-id';
import type { SessionMode, SessionRecord, SessionStore } from '../sessions/session-store';
import { capacityError } from './limit-errors';

export interface RegistrationDeps {
  store: SessionStore;
  config: Pick<Config, 'maxSessionsPerIp' | 'maxConcurrentConnections' | 'totalActiveConnections'>;
  metrics: Metrics;
  logger: Logger;
  instanceId: string;
  now: () => number;
}

export interface NewSession {
  ip: string;
  mode: SessionMode;
  expiresAt: number;
  scenarioId?: string;
  recap?: string;
}

export async function registerSession(deps: RegistrationDeps, session: NewSession): Promise<SessionRecord> {
  const { store, config, metrics, logger, now } = deps;
  const record: SessionRecord = {
    id: newSessionId(),
    mode: session.mode,
    ip: session.ip,
    instanceId: deps.instanceId,
    createdAt: now(),
    expiresAt: session.expiresAt,
    refreshCount: 0,
    ...(session.scenarioId ? { scenarioId: session.scenarioId } : {}),
    ...(session.recap ? { recap: session.recap } : {}),
  };
  const capacity = { maxPerIp: config.maxSessionsPerIp, maxPerInstance: config.maxConcurrentConnections, maxTotal: config.totalActiveConnections };
  const result = await store.register(record, capacity, now());
  if (!result.ok) {
    metrics.rateLimitHits.inc({ limit: result.reason });
    logger.warn({ event: 'rateLimitExceeded', ip: session.ip, limit: result.reason }, 'session quota reached');
    throw capacityError(result.reason, config.maxSessionsPerIp);
  }
  return record;
}

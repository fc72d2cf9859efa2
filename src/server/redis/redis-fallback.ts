/**
 * What the resilient stores (sessions, meters) share: each Redis call is attempted only while the client
 * is ready, a failure is reported instead of thrown, and the outage is logged once when it starts and
 * once when Redis is back. `isDegraded()` is true while the client is not ready or its last call failed
 * (a command timeout on a client that still looks connected); a reconnect clears the latter.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { redisIsReady } from './redis-client';

export type Attempt<T> = { ok: true; value: T } | { ok: false };

export interface RedisFallbackMessages {
  degradedEvent: string;
  degraded: string;
  recoveredEvent: string;
  recovered: string;
}

export class RedisFallback {
  private lastCallFailed = false;
  private reportedDegraded = false;
  private readonly onReady = () => {
    this.lastCallFailed = false;
  };

  constructor(
    private readonly client: Redis,
    private readonly logger: Logger,
    private readonly messages: RedisFallbackMessages,
  ) {
    client.on('ready', this.onReady);
  }

  isDegraded(): boolean {
    return !redisIsReady(this.client) || this.lastCallFailed;
  }

  /** Runs one Redis call unless Redis is known to be away; reports failure instead of throwing. */
  async attempt<T>(operation: string, call: () => Promise<T>): Promise<Attempt<T>> {
    if (!redisIsReady(this.client)) {
      this.noteDegraded(operation);
      return { ok: false };
    }
    try {
      const value = await call();
      this.lastCallFailed = false;
      if (this.reportedDegraded) {
        this.reportedDegraded = false;
        this.logger.info({ event: this.messages.recoveredEvent }, this.messages.recovered);
      }
      return { ok: true, value };
    } catch (error) {
      this.lastCallFailed = true;
      this.noteDegraded(operation, error);
      return { ok: false };
    }
  }

  dispose(): void {
    this.client.off('ready', this.onReady);
  }

  private noteDegraded(operation: string, error?: unknown): void {
    if (this.reportedDegraded) return;
    this.reportedDegraded = true;
    this.logger.warn(
      { event: this.messages.degradedEvent, operation, err: error instanceof Error ? { message: error.message } : undefined },
      this.messages.degraded,
    );
  }
}

/**
 * The one `summary` telemetry event per session that every engine sends: how long the conversation ran
 * (from the moment it was first up, not the click) and its counts. Sent when the session ends — hang-up,
 * the page going away, or another engine taking over — and only if it ever got going.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { TelemetryClient } from '../api/telemetry-client';

export interface SummaryCounts {
  turns: number;
  userSpeechSeconds: number;
}

export class SessionSummary {
  private startedAt = 0;

  constructor(
    private readonly telemetry: Pick<TelemetryClient, 'record'>,
    // Read at call time (not `Date.now` captured here): tests install fake clocks after construction.
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The session is up. Only the first time counts: reconnects, renewals and retries keep the clock. */
  started(): void {
    this.startedAt ||= this.now();
  }

  /** Record the event if the session started, once: the next start counts afresh. */
  report(counts: () => SummaryCounts): void {
    if (!this.startedAt) return;
    this.telemetry.record({ type: 'summary', durationSeconds: Math.round((this.now() - this.startedAt) / 1000), ...counts() });
    this.startedAt = 0;
  }
}

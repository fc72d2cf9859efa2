/**
 * Cost control's metrics (issue 8). Per-session figures are histograms observed when a metered session
 * ends, not gauges labelled by session id: a label per session would grow the series without bound.
 * Live per-session detail is what `GET /api/admin/sessions` is for.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DaySpendSource = () => Promise<number>;

export function createCostMetrics(registry: Registry) {
  let daySpend: DaySpendSource | undefined;
  return {
    meteredTokens: new Counter({
      name: 'voice_agent_metered_tokens_total',
      help: 'Realtime tokens the server metered from response.done (sideband or relay), by model, direction (input = uncached input, cached, output) and modality.',
      labelNames: ['model', 'direction', 'modality'] as const,
      registers: [registry],
    }),
    estimatedCostUsd: new Counter({
      name: 'voice_agent_estimated_cost_usd_total',
      help: 'Estimated spend of metered sessions in USD (pricing table × metered tokens), by model.',
      labelNames: ['model'] as const,
      registers: [registry],
    }),
    sessionCostUsd: new Histogram({
      name: 'voice_agent_session_cost_usd',
      help: 'Estimated cost of each metered session in USD, observed when it ends.',
      labelNames: ['transport'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25],
      registers: [registry],
    }),
    sessionConnectedMinutes: new Histogram({
      name: 'voice_agent_session_connected_minutes',
      help: 'Connected voice minutes of each metered session, observed when it ends.',
      labelNames: ['transport'] as const,
      buckets: [0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120],
      registers: [registry],
    }),
    sessionTokens: new Histogram({
      name: 'voice_agent_session_tokens',
      help: 'Tokens of each metered session (input incl. cached + output), observed when it ends.',
      labelNames: ['transport'] as const,
      buckets: [1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000],
      registers: [registry],
    }),
    budgetDecisions: new Counter({
      name: 'voice_agent_budget_decisions_total',
      help: 'Budget decisions: refused (a new token), warned (a running session, warning ahead), ended (a running session), by limit.',
      labelNames: ['limit', 'decision'] as const,
      registers: [registry],
    }),
    meteredConnections: new Gauge({
      name: 'voice_agent_metered_connections',
      help: 'Metered voice connections held by this instance, by transport (webrtc = sideband, websocket = relay).',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    daySpendUsd: new Gauge({
      name: 'voice_agent_daily_cost_usd',
      help: "Estimated spend today (UTC) across all instances, from the shared meter (read at scrape time).",
      registers: [registry],
      async collect() {
        if (!daySpend) return;
        try {
          this.set(await daySpend());
        } catch {
          // Leave the last value; the store logs its own outages.
        }
      },
    }),
    relayConnections: new Counter({
      name: 'voice_agent_relay_connections_total',
      help: 'WebSocket relay handshakes, by outcome (opened, or the refusal code).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    relayDurationSeconds: new Histogram({
      name: 'voice_agent_relay_duration_seconds',
      help: 'How long WebSocket relays lived, by who closed them.',
      labelNames: ['closed_by'] as const,
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600],
      registers: [registry],
    }),
    relayBackpressurePauses: new Counter({
      name: 'voice_agent_relay_backpressure_pauses_total',
      help: 'Times the relay stopped reading one side because the other was slow, by the side paused.',
      labelNames: ['paused'] as const,
      registers: [registry],
    }),
    /** Wires the day-spend gauge to the meter store. */
    setDaySpendSource(source: DaySpendSource) {
      daySpend = source;
    },
  };
}

export type CostMetrics = ReturnType<typeof createCostMetrics>;

/**
 * Cost control's settings, derived from the validated environment (config.ts reads it): whether realtime
 * sessions are metered, the budgets in the units the policy uses (ms, seconds, nano-dollars), and the
 * pricing table. A table without a price for the metered model stops startup: it would meter at $0.
 */
import { ConfigError } from '../config-error';
import type { BudgetConfig, PricingTable } from './metering-types';
import { parsePricingTable, usdToNano } from './pricing';

export interface CostControlEnv {
  OPENAI_API_KEY?: string;
  OPENAI_REALTIME_MODEL: string;
  METERED_SESSIONS: 'auto' | 'on' | 'off';
  SESSION_MAX_MINUTES?: number;
  DAILY_MINUTES_PER_IP?: number;
  DAILY_COST_LIMIT_USD?: number;
  SESSION_COST_LIMIT_USD?: number;
  BUDGET_WARNING_SECONDS: number;
  MODEL_PRICES?: string;
}

export function costControlSettings(e: CostControlEnv): { metered: boolean; budgets: BudgetConfig; pricing: PricingTable } {
  const metered = isMetered(e);
  return {
    metered,
    budgets: {
      sessionMaxMs: Math.round((e.SESSION_MAX_MINUTES ?? 30) * 60_000),
      dailySecondsPerIp: e.DAILY_MINUTES_PER_IP === undefined ? undefined : Math.round(e.DAILY_MINUTES_PER_IP * 60),
      dailyCostLimitNanoUsd: usdToNano(e.DAILY_COST_LIMIT_USD),
      sessionCostLimitNanoUsd: usdToNano(e.SESSION_COST_LIMIT_USD),
      warningMs: e.BUDGET_WARNING_SECONDS * 1000,
    },
    pricing: pricing(e.MODEL_PRICES, e.OPENAI_REALTIME_MODEL, metered),
  };
}

/** `auto`: metered as soon as any budget is configured (and there is a key to spend). */
function isMetered(e: CostControlEnv): boolean {
  if (e.METERED_SESSIONS !== 'auto') return e.METERED_SESSIONS === 'on';
  const anyBudget = [e.SESSION_MAX_MINUTES, e.DAILY_MINUTES_PER_IP, e.DAILY_COST_LIMIT_USD, e.SESSION_COST_LIMIT_USD].some((v) => v !== undefined);
  return anyBudget && Boolean(e.OPENAI_API_KEY);
}

function pricing(raw: string | undefined, realtimeModel: string, metered: boolean): PricingTable {
  const parsed = parsePricingTable(raw);
  if (!parsed.ok) throw new ConfigError('MODEL_PRICES', parsed.message);
  if (metered && !parsed.table[realtimeModel]) {
    throw new ConfigError('MODEL_PRICES', `has no price for the realtime model "${realtimeModel}" (OPENAI_REALTIME_MODEL); metered sessions need one`);
  }
  return parsed.table;
}

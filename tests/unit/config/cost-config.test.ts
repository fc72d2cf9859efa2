import { describe, expect, it } from 'vitest';
import { errorFor } from './config-error-for';
import { loadConfig } from '../../../src/server/config';

const KEY = { OPENAI_API_KEY: 'sk-test' };

describe('cost-control configuration', () => {
  it('does not meter by default: the direct path of the architecture, 30-minute sessions, 60 s warning', () => {
    const c = loadConfig(KEY);
    expect(c.metered).toBe(false);
    expect(c.budgets).toEqual({ sessionMaxMs: 1_800_000, dailySecondsPerIp: undefined, dailyCostLimitNanoUsd: undefined, sessionCostLimitNanoUsd: undefined, warningMs: 60_000 });
    expect(c.adminToken).toBeUndefined();
    expect(c.pricing['gpt-realtime-2.1']?.audio.output).toBe(64);
  });

  it('meters as soon as a budget is configured (auto), with decimal minutes and dollars', () => {
    for (const budget of [{ SESSION_MAX_MINUTES: '0.1' }, { DAILY_MINUTES_PER_IP: '90' }, { DAILY_COST_LIMIT_USD: '25.5' }, { SESSION_COST_LIMIT_USD: '2' }]) {
      expect(loadConfig({ ...KEY, ...budget }).metered).toBe(true);
    }
    const c = loadConfig({ ...KEY, SESSION_MAX_MINUTES: '0.1', DAILY_MINUTES_PER_IP: '90', DAILY_COST_LIMIT_USD: '25.5', SESSION_COST_LIMIT_USD: '2', BUDGET_WARNING_SECONDS: '5' });
    expect(c.budgets).toEqual({ sessionMaxMs: 6_000, dailySecondsPerIp: 5_400, dailyCostLimitNanoUsd: 25_500_000_000, sessionCostLimitNanoUsd: 2_000_000_000, warningMs: 5_000 });
    expect(loadConfig({ ...KEY, DAILY_COST_LIMIT_USD: '5', METERED_SESSIONS: 'off' }).metered).toBe(false);
    expect(loadConfig({ ...KEY, METERED_SESSIONS: 'on' }).metered).toBe(true);
    // Demo mode has nothing to meter.
    expect(loadConfig({ SESSION_MAX_MINUTES: '10' }).metered).toBe(false);
  });

  it('refuses bad budgets naming the variable', () => {
    expect(errorFor({ SESSION_MAX_MINUTES: 'thirty' }).variable).toBe('SESSION_MAX_MINUTES');
    expect(errorFor({ SESSION_MAX_MINUTES: '0' }).variable).toBe('SESSION_MAX_MINUTES');
    expect(errorFor({ DAILY_COST_LIMIT_USD: '-1' }).variable).toBe('DAILY_COST_LIMIT_USD');
    expect(errorFor({ DAILY_MINUTES_PER_IP: '1e3' }).variable).toBe('DAILY_MINUTES_PER_IP');
    expect(errorFor({ METERED_SESSIONS: 'yes' }).variable).toBe('METERED_SESSIONS');
    expect(errorFor({ METERED_SESSIONS: 'on' }).message).toMatch(/METERED_SESSIONS.*OPENAI_API_KEY/);
    expect(errorFor({ ADMIN_TOKEN: 'short' }).variable).toBe('ADMIN_TOKEN');
  });

  it('merges MODEL_PRICES over the built-in table and refuses a bad one', () => {
    const own = { 'my-realtime': { text: { input: 1, cachedInput: 0.1, output: 2 }, audio: { input: 3, cachedInput: 0.3, output: 4 } } };
    const c = loadConfig({ ...KEY, MODEL_PRICES: JSON.stringify(own), OPENAI_REALTIME_MODEL: 'my-realtime', METERED_SESSIONS: 'on' });
    expect(c.pricing['my-realtime']?.audio.output).toBe(4);
    expect(c.pricing['gpt-realtime-2.1']).toBeDefined();
    expect(errorFor({ MODEL_PRICES: '{not json' }).variable).toBe('MODEL_PRICES');
    expect(errorFor({ MODEL_PRICES: JSON.stringify({ m: { text: { input: -1, cachedInput: 0, output: 0 }, audio: { input: 0, cachedInput: 0, output: 0 } } }) }).message).toMatch(/MODEL_PRICES.*negative/);
    // Metering a model without a price would meter it at $0: refused at startup.
    expect(errorFor({ ...KEY, OPENAI_REALTIME_MODEL: 'unpriced-model', METERED_SESSIONS: 'on' }).message).toMatch(/MODEL_PRICES.*unpriced-model/);
    expect(loadConfig({ ...KEY, OPENAI_REALTIME_MODEL: 'unpriced-model' }).metered).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { errorFor } from './config-error-for';
import { DEFAULT_REALTIME_MODEL, loadConfig } from '../../../src/server/config';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 4321,
      openaiApiKey: undefined,
      openaiBaseUrl: 'https://api.openai.com/v1',
      realtimeModel: DEFAULT_REALTIME_MODEL,
      allowedOrigins: [],
      demoMode: 'auto',
      tokenTtlSeconds: 60,
      rateLimitPerIpPerMinute: 10,
      maxSessionsPerIp: 3,
      tokenRefreshLimit: 5,
      maxTokensPerMinute: 600,
      maxConcurrentConnections: 100,
      totalActiveConnections: 10000,
      apiRateLimitPerMinute: 10000,
      tierCacheSeconds: 300,
      redisUrl: undefined,
      trustProxy: 0,
      metricsToken: undefined,
      logLevel: 'info',
      sessionSecretIsEphemeral: true,
    });
    expect(c.sessionSecret.byteLength).toBeGreaterThanOrEqual(32);
    expect(DEFAULT_REALTIME_MODEL).toBe('gpt-realtime-2.1');
  });

  it('parses every variable', () => {
    const c = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      OPENAI_API_KEY: 'sk-abc',
      OPENAI_BASE_URL: 'http://127.0.0.1:8787/v1/',
      OPENAI_REALTIME_MODEL: 'gpt-realtime-2.1-mini',
      ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:3000',
      DEMO_MODE: 'off',
      TOKEN_TTL_SECONDS: '120',
      RATE_LIMIT_PER_IP_PER_MINUTE: '5',
      MAX_SESSIONS_PER_IP: '2',
      TOKEN_REFRESH_LIMIT: '0',
      MAX_TOKENS_PER_MINUTE: '50',
      MAX_CONCURRENT_CONNECTIONS: '7',
      TOTAL_ACTIVE_CONNECTIONS: '70',
      API_RATE_LIMIT_PER_MINUTE: '99',
      TIER_CACHE_SECONDS: '30',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      SESSION_SECRET: 'x'.repeat(32),
      TRUST_PROXY: '1',
      METRICS_TOKEN: 'm'.repeat(16),
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      openaiApiKey: 'sk-abc',
      openaiBaseUrl: 'http://127.0.0.1:8787/v1',
      realtimeModel: 'gpt-realtime-2.1-mini',
      allowedOrigins: ['https://a.example.com', 'http://localhost:3000'],
      demoMode: 'off',
      tokenTtlSeconds: 120,
      rateLimitPerIpPerMinute: 5,
      maxSessionsPerIp: 2,
      tokenRefreshLimit: 0,
      maxTokensPerMinute: 50,
      maxConcurrentConnections: 7,
      totalActiveConnections: 70,
      apiRateLimitPerMinute: 99,
      tierCacheSeconds: 30,
      redisUrl: 'redis://127.0.0.1:6379/0',
      sessionSecretIsEphemeral: false,
      trustProxy: 1,
      metricsToken: 'm'.repeat(16),
      logLevel: 'debug',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TOKEN_TTL_SECONDS: '5' }, 'TOKEN_TTL_SECONDS'],
    [{ TOKEN_TTL_SECONDS: '7201' }, 'TOKEN_TTL_SECONDS'],
    [{ DEMO_MODE: 'sometimes' }, 'DEMO_MODE'],
    [{ OPENAI_BASE_URL: 'ftp://example.com' }, 'OPENAI_BASE_URL'],
    [{ ALLOWED_ORIGINS: 'https://ok.example.com,https://bad.example.com/path' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://*.example.com' }, 'ALLOWED_ORIGINS'],
    [{ REDIS_URL: 'http://localhost:6379', SESSION_SECRET: 'x'.repeat(32) }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://localhost:6379' }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY'],
    [{ METRICS_TOKEN: 'abc' }, 'METRICS_TOKEN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT_PER_IP_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_IP_PER_MINUTE'],
  ])('rejects %j naming %s', (env, variable) => {
    const error = errorFor(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ OPENAI_API_KEY: '', REDIS_URL: '', PORT: '' })).toMatchObject({
      openaiApiKey: undefined,
      redisUrl: undefined,
      port: 4321,
    });
  });

  it('never puts the API key in an error message', () => {
    const error = errorFor({ OPENAI_API_KEY: 'sk-supersecret-value', PORT: 'x' });
    expect(error.message).not.toContain('sk-supersecret-value');
  });
});

describe('SCENARIOS_DIR', () => {
  it('defaults to src/content/scenarios under the working directory; a relative path resolves against it', async () => {
    const path = await import('node:path');
    expect(loadConfig({}).scenariosDir).toBe(path.resolve(process.cwd(), 'src/content/scenarios'));
    expect(loadConfig({ SCENARIOS_DIR: '' }).scenariosDir).toBe(path.resolve(process.cwd(), 'src/content/scenarios'));
    expect(loadConfig({ SCENARIOS_DIR: 'tests/fixtures/scenarios' }).scenariosDir).toBe(path.resolve(process.cwd(), 'tests/fixtures/scenarios'));
    expect(loadConfig({ SCENARIOS_DIR: '/srv/scenarios' }).scenariosDir).toBe('/srv/scenarios');
  });
});

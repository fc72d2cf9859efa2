/**
 * What the server tells the page about search routing, and how it lets the browser reach it:
 * PUBLIC_SEARCH_API_URL validation, the page's routing hint (dev server only in development), the
 * CSP `connect-src` addition, and the search server's CORS policy (the app's origin is cross-origin there).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/server/config';
import { searchConnectSources } from '../../../src/server/http/security-headers';
import { pageSearchRouting } from '../../../src/server/search-server/page-search-routing';
import { SEARCH_SERVER_API, appOrigins } from '../../../src/server/search-server/search-server-api';
import { checkOrigin } from '../../../src/server/http/cors';

const configError = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'no error';
};

describe('PUBLIC_SEARCH_API_URL', () => {
  it('accepts an absolute http(s) URL or a same-origin path, and is unset by default', () => {
    expect(loadConfig({}).publicSearchApiUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_SEARCH_API_URL: 'https://search.example.com/search' }).publicSearchApiUrl).toBe('https://search.example.com/search');
    expect(loadConfig({ PUBLIC_SEARCH_API_URL: '/search-api/search' }).publicSearchApiUrl).toBe('/search-api/search');
  });

  it.each(['//evil.example.com/search', 'javascript:alert(1)', 'ftp://files.example.com/x', 'search', '/a b'])('refuses %j, naming the variable', (value) => {
    expect(configError({ PUBLIC_SEARCH_API_URL: value })).toMatch(/^Invalid environment variable PUBLIC_SEARCH_API_URL: must be an http\(s\) URL or a path/);
  });

  it('adds only a cross-origin endpoint to the page CSP connect-src', () => {
    expect(searchConnectSources(undefined)).toEqual([]);
    expect(searchConnectSources('/search-api/search')).toEqual([]);
    expect(searchConnectSources('https://search.example.com:8443/v1/search?x=1')).toEqual(['https://search.example.com:8443']);
  });
});

describe('the routing hint a page carries', () => {
  const config = loadConfig({ PUBLIC_SEARCH_API_URL: 'https://search.example.com/search', SEARCH_SERVER_PORT: '3005' });

  it('offers the dev search server only in development', () => {
    expect(pageSearchRouting(config, false)).toEqual({ configuredUrl: 'https://search.example.com/search' });
    expect(pageSearchRouting(config, true)).toEqual({ configuredUrl: 'https://search.example.com/search', devServerUrl: 'http://localhost:3005' });
    expect(pageSearchRouting(loadConfig({}), true)).toEqual({ devServerUrl: 'http://localhost:3001' });
    expect(pageSearchRouting(loadConfig({}), false)).toEqual({});
  });
});

describe('the search server CORS policy', () => {
  const verdict = (origin: string, env: Record<string, string> = {}) =>
    checkOrigin(origin, 'http://localhost:3001', SEARCH_SERVER_API.corsPolicy(loadConfig(env))).kind;

  it("allows the app's origin (SITE_URL, else loopback on PORT) and ALLOWED_ORIGINS, nothing else", () => {
    expect(appOrigins({ siteUrl: undefined, port: 4321 })).toEqual(['http://localhost:4321', 'http://127.0.0.1:4321']);
    expect(verdict('http://localhost:4321')).toBe('allowed');
    expect(verdict('http://127.0.0.1:4321')).toBe('allowed');
    expect(verdict('http://localhost:4322')).toBe('denied');
    expect(verdict('https://coach.example.com', { SITE_URL: 'https://coach.example.com' })).toBe('allowed');
    expect(verdict('http://localhost:4321', { SITE_URL: 'https://coach.example.com' })).toBe('denied');
    expect(verdict('https://partner.example.org', { ALLOWED_ORIGINS: 'https://partner.example.org' })).toBe('allowed');
  });

  it('sends CORS headers to the app (its origin is not this server’s own)', () => {
    const result = checkOrigin('https://coach.example.com', 'http://localhost:3001', SEARCH_SERVER_API.corsPolicy(loadConfig({ SITE_URL: 'https://coach.example.com' })));
    expect(result).toEqual({ kind: 'allowed', origin: 'https://coach.example.com', sameOrigin: false });
  });
});

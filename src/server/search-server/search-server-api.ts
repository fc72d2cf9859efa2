/**
 * The standalone search server's API: the same search route as the app's
 * (/api/voice-agent/responses-search, same validation, session check, limits and provider code) at
 * `/search`, a `/health` probe the browser uses to decide whether to send searches here, and `/metrics`.
 *
 * It checks sessions in the store the app writes to, so it only makes sense with a shared Redis; while
 * Redis is unreachable it says so (503) instead of calling every live session "ended".
 */
import { metrics, responsesSearch } from '../api/api-routes';
import type { ApiSurface, Handler } from '../api/api-types';
import type { Config } from '../config';
import { ApiError, jsonResult } from '../http/api-error';

function sessionsVisible(app: Parameters<Handler>[1]): boolean {
  return app.sharedStateHealthy?.() ?? false;
}

const search: Handler = async (req, app) => {
  if (!sessionsVisible(app)) {
    throw new ApiError(503, 'session_check_unavailable', 'Search cannot check sessions right now. Please try again shortly.', { 'Retry-After': '5' }, { retryAfter: 5 });
  }
  return responsesSearch(req, app);
};

export interface SearchServerHealth {
  status: 'healthy' | 'unhealthy';
  service: 'search';
  provider: string;
  timestamp: number;
}

const health: Handler = async (_req, app) => {
  const healthy = sessionsVisible(app);
  const body: SearchServerHealth = { status: healthy ? 'healthy' : 'unhealthy', service: 'search', provider: app.search.providerName, timestamp: Date.now() };
  return jsonResult(body, healthy ? 200 : 503);
};

const ROUTES = {
  '/search': { POST: search },
  '/health': { GET: health, HEAD: health },
  '/metrics': { GET: metrics },
} as const;

/**
 * The pages calling this server live on the app's origin, not on this server's: SITE_URL when set,
 * else the app's loopback origins on PORT (development: `http://localhost:4321`); plus ALLOWED_ORIGINS.
 */
export function appOrigins(config: Pick<Config, 'siteUrl' | 'port'>): string[] {
  return config.siteUrl ? [config.siteUrl] : [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
}

export const SEARCH_SERVER_API: ApiSurface = {
  routes: ROUTES,
  corsChecked: (pathname) => pathname !== '/metrics',
  label: (pathname) => (Object.hasOwn(ROUTES, pathname) ? pathname : '/other'),
  // siteUrl undefined: this server's own origin is its Host, and SITE_URL is a *cross*-origin caller here.
  corsPolicy: (config) => ({ allowedOrigins: [...config.allowedOrigins, ...appOrigins(config)], siteUrl: undefined }),
};

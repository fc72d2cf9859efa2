/**
 * Every API request passes here: HTTPS rule (non-loopback clients in production), CORS (exact
 * allowlist; refusals logged as `corsViolation`), preflight, routing (404/405), the handler, one JSON
 * error shape, final headers (security, no-store, CORS), request metrics and the `slowResponse` log.
 */
import type { AppContext } from '../app-context';
import { ApiError, errorResult, methodNotAllowed, toErrorResult } from '../http/api-error';
import { isLoopback } from '../http/client-ip';
import { checkOrigin, corsHeaders, ownOrigin, preflightHeaders } from '../http/cors';
import { apiSecurityHeaders } from '../http/security-headers';
import { routeLabel } from '../http/route-label';
import { API_PATTERN_ROUTES, API_ROUTES } from './api-routes';
import type { ApiRequest, ApiResponse, ApiSurface } from './api-types';

/** The app's own API: `/api/*` (CORS-checked, unknown paths included) and `/metrics`. */
export const APP_API: ApiSurface = {
  routes: API_ROUTES,
  patterns: API_PATTERN_ROUTES,
  corsChecked: (pathname) => pathname.startsWith('/api/'),
  label: routeLabel,
  corsPolicy: (config) => ({ allowedOrigins: config.allowedOrigins, siteUrl: config.siteUrl }),
};

export async function handleApiRequest(req: ApiRequest, app: AppContext, surface: ApiSurface = APP_API): Promise<ApiResponse> {
  const started = performance.now();
  let cors: Record<string, string> | undefined;
  let response: ApiResponse;
  try {
    const routed = await route(req, app, surface, (headers) => (cors = headers));
    response = routed;
  } catch (error) {
    if (!(error instanceof ApiError)) app.logger.error({ event: 'unhandledError', err: error, path: req.pathname }, 'unhandled error');
    response = toErrorResult(error);
  }

  Object.assign(response.headers, apiSecurityHeaders(req.protocol === 'https'), cors);
  response.headers['Cache-Control'] = 'no-store';

  const seconds = (performance.now() - started) / 1000;
  const label = surface.label(req.pathname);
  app.metrics.httpRequestSeconds.observe({ route: label, method: req.method, status: String(response.status) }, seconds);
  if (seconds * 1000 >= app.config.slowResponseMs) {
    app.logger.warn({ event: 'slowResponse', endpoint: label, duration: Math.round(seconds * 1000), status: response.status }, 'slowResponse');
  }
  return response;
}

async function route(
  req: ApiRequest,
  app: AppContext,
  surface: ApiSurface,
  setCors: (h: Record<string, string>) => void,
): Promise<ApiResponse> {
  const { config, logger, metrics } = app;
  if (config.requireHttps && req.protocol !== 'https' && !isLoopback(req.ip)) {
    return errorResult(new ApiError(403, 'https_required', 'This API is only available over HTTPS.'));
  }
  const methods = surface.routes[req.pathname] ?? surface.patterns?.find((route) => route.pattern.test(req.pathname))?.methods;
  const allowed = methods ? Object.keys(methods) : ['GET', 'POST'];

  if (surface.corsChecked(req.pathname)) {
    const verdict = checkOrigin(req.header('origin'), ownOrigin(req.protocol, req.header('host')), surface.corsPolicy(config));
    if (verdict.kind === 'denied') {
      metrics.corsViolations.inc();
      logger.warn({ event: 'corsViolation', origin: verdict.origin.slice(0, 200), ip: req.ip, path: req.pathname }, 'corsViolation');
      return errorResult(new ApiError(403, 'origin_not_allowed', 'Requests from this origin are not allowed.'));
    }
    if (req.method === 'OPTIONS') {
      const headers = verdict.kind === 'allowed' ? preflightHeaders(verdict.origin, allowed) : { Allow: [...allowed, 'OPTIONS'].join(', ') };
      return { status: 204, headers, body: null };
    }
    if (verdict.kind === 'allowed' && !verdict.sameOrigin) setCors(corsHeaders(verdict.origin));
  }

  if (!methods) return errorResult(new ApiError(404, 'not_found', 'No such API endpoint.'));
  const handler = methods[req.method];
  if (!handler) return methodNotAllowed(allowed);
  return handler(req, app);
}

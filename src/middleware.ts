/**
 * Every request passes here first: transport security (HTTPS outside loopback in production), CORS
 * for the API (exact allowlist; refusals logged as `corsViolation`), then the route, then the final
 * headers, request metrics and the `slowResponse` log.
 */
import { defineMiddleware } from 'astro:middleware';
import { getAppContext } from './server/app-context';
import { ApiError, errorResponse, toErrorResponse } from './server/http/api-error';
import { isLoopback, normaliseIp } from './server/http/client-ip';
import { checkOrigin, corsHeaders, ownOrigin, preflightHeaders } from './server/http/cors';
import { withFinalHeaders } from './server/http/response-headers';
import { routeLabel } from './server/http/route-label';

const API_METHODS: Record<string, readonly string[]> = {
  '/api/voice-agent/token': ['POST'],
  '/api/voice-agent/refresh-token': ['POST'],
  '/api/voice-agent/refresh': ['POST'],
  '/api/voice-agent/end-session': ['POST'],
  '/api/voice-agent/health': ['GET', 'HEAD'],
};

export const onRequest = defineMiddleware(async (context, next) => {
  const started = performance.now();
  const app = getAppContext();
  const { config, logger, metrics } = app;
  const { request, url } = context;
  const isApi = url.pathname.startsWith('/api/');
  // Trustworthy: the server entrypoint rewrote the forwarded headers per TRUST_PROXY before Astro
  // derived clientAddress and the URL from them (see http/forwarded-headers.ts).
  const ip = normaliseIp(context.clientAddress);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  context.locals.clientIp = ip;

  let cors: Record<string, string> | undefined;
  let response: Response;
  try {
    if (config.requireHttps && protocol !== 'https' && !isLoopback(ip)) {
      response = isApi
        ? errorResponse(new ApiError(403, 'https_required', 'This API is only available over HTTPS.'))
        : Response.redirect(`https://${request.headers.get('host') ?? url.host}${url.pathname}${url.search}`, 308);
    } else if (isApi) {
      const verdict = checkOrigin(request.headers.get('origin'), ownOrigin(protocol, request.headers.get('host')), {
        allowedOrigins: config.allowedOrigins,
        siteUrl: config.siteUrl,
      });
      if (verdict.kind === 'denied') {
        metrics.corsViolations.inc();
        logger.warn({ event: 'corsViolation', origin: verdict.origin.slice(0, 200), ip, path: url.pathname }, 'corsViolation');
        response = errorResponse(new ApiError(403, 'origin_not_allowed', 'Requests from this origin are not allowed.'));
      } else if (request.method === 'OPTIONS') {
        const methods = API_METHODS[url.pathname] ?? ['GET', 'POST'];
        response = new Response(null, {
          status: 204,
          headers: verdict.kind === 'allowed' ? preflightHeaders(verdict.origin, methods) : { Allow: [...methods, 'OPTIONS'].join(', ') },
        });
      } else {
        if (verdict.kind === 'allowed' && !verdict.sameOrigin) cors = corsHeaders(verdict.origin);
        response = await next();
        if (response.status === 404 && !response.headers.get('content-type')?.includes('json')) {
          response = errorResponse(new ApiError(404, 'not_found', 'No such API endpoint.'));
        }
      }
    } else {
      response = await next();
    }
  } catch (error) {
    if (!(error instanceof ApiError)) logger.error({ event: 'unhandledError', err: error, path: url.pathname }, 'unhandled error');
    response = isApi || error instanceof ApiError ? toErrorResponse(error) : new Response('Internal error', { status: 500 });
  }

  const final = withFinalHeaders(response, { isApi, https: protocol === 'https', connectSources: app.connectSources, cors });
  const seconds = (performance.now() - started) / 1000;
  const route = routeLabel(url.pathname);
  metrics.httpRequestSeconds.observe({ route, method: request.method, status: String(final.status) }, seconds);
  if (seconds * 1000 >= config.slowResponseMs) {
    logger.warn({ event: 'slowResponse', endpoint: route, duration: Math.round(seconds * 1000), status: final.status }, 'slowResponse');
  }
  return final;
});

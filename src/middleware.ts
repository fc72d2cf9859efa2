/**
 * Pages: HTTPS redirect outside loopback in production, the final headers (security, HTML
 * revalidation), request metrics and the `slowResponse` log. API paths have their own pipeline
 * (src/server/api/handle-api-request.ts); in the built server they never reach Astro at all.
 */
import { defineMiddleware } from 'astro:middleware';
import { getAppContext } from './server/app-context';
import { isApiPath } from './server/api/api-routes';
import { isLoopback, normaliseIp } from './server/http/client-ip';
import { withFinalHeaders } from './server/http/response-headers';
import { routeLabel } from './server/http/route-label';
import { devSearchServerUrl } from './server/search-server/page-search-routing';

export const onRequest = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  if (isApiPath(url.pathname)) return next();

  const started = performance.now();
  const app = getAppContext();
  const { config, logger, metrics } = app;
  // Trustworthy: the server entrypoint rewrote the forwarded headers per TRUST_PROXY before Astro
  // derived clientAddress and the URL from them (see http/forwarded-headers.ts).
  const ip = normaliseIp(context.clientAddress);
  const https = url.protocol === 'https:';

  let response: Response;
  if (config.requireHttps && !https && !isLoopback(ip)) {
    response = Response.redirect(`https://${request.headers.get('host') ?? url.host}${url.pathname}${url.search}`, 308);
  } else {
    try {
      response = await next();
    } catch (error) {
      logger.error({ event: 'unhandledError', err: error, path: url.pathname }, 'unhandled error');
      response = new Response('Something went wrong on our side.', { status: 500, headers: { 'Content-Type': 'text/plain' } });
    }
  }

  // In development the browser may probe and use the standalone search server (`npm run search-server`).
  const connectSources = import.meta.env.DEV ? [...app.connectSources, devSearchServerUrl(config)] : app.connectSources;
  const final = withFinalHeaders(response, { https, connectSources });
  const seconds = (performance.now() - started) / 1000;
  const route = routeLabel(url.pathname);
  metrics.httpRequestSeconds.observe({ route, method: request.method, status: String(final.status) }, seconds);
  if (seconds * 1000 >= config.slowResponseMs) {
    logger.warn({ event: 'slowResponse', endpoint: route, duration: Math.round(seconds * 1000), status: final.status }, 'slowResponse');
  }
  return final;
});

import { timingSafeEqual } from 'node:crypto';
import { getAppContext } from '../server/app-context';
import { ApiError, errorResponse } from '../server/http/api-error';
import { apiRoute, onlyMethods } from '../server/http/api-route';

export const prerender = false;

function bearerMatches(header: string | null, expected: string): boolean {
  const given = Buffer.from(header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

export const GET = apiRoute(async ({ request }) => {
  const { config, metrics } = getAppContext();
  if (config.metricsToken && !bearerMatches(request.headers.get('authorization'), config.metricsToken)) {
    return errorResponse(
      new ApiError(401, 'unauthorized', 'Metrics require a bearer token.', { 'WWW-Authenticate': 'Bearer realm="metrics"' }),
    );
  }
  return new Response(await metrics.registry.metrics(), {
    headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' },
  });
});

export const ALL = onlyMethods('GET');

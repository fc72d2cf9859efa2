import { getAppContext } from '../../../server/app-context';
import { jsonResponse } from '../../../server/http/api-error';
import { apiRoute, onlyMethods } from '../../../server/http/api-route';

export const prerender = false;

// 503 only when unhealthy (the key is rejected); degraded instances still serve (demo/fallback, local limits).
export const GET = apiRoute(async () => {
  const health = await getAppContext().health.check();
  return jsonResponse(health, health.status === 'unhealthy' ? 503 : 200);
});

export const ALL = onlyMethods('GET', 'HEAD');

import { getAppContext } from '../../../server/app-context';
import { jsonResponse } from '../../../server/http/api-error';
import { apiRoute, onlyMethods, sessionIdBody } from '../../../server/http/api-route';
import { readJsonBody } from '../../../server/http/json-body';

export const prerender = false;

export const POST = apiRoute(async ({ request, locals }) => {
  const { sessionId } = await readJsonBody(request, sessionIdBody);
  return jsonResponse(await getAppContext().tokens.refreshToken(locals.clientIp, sessionId));
});

export const ALL = onlyMethods('POST');

import { getAppContext } from '../../../server/app-context';
import { jsonResponse } from '../../../server/http/api-error';
import { apiRoute, onlyMethods, sessionIdBody } from '../../../server/http/api-route';
import { readJsonBody } from '../../../server/http/json-body';

export const prerender = false;

// Called on hang-up and, through navigator.sendBeacon, when the page unloads.
export const POST = apiRoute(async ({ request }) => {
  const { sessionId } = await readJsonBody(request, sessionIdBody);
  await getAppContext().tokens.endSession(sessionId);
  return jsonResponse({ success: true });
});

export const ALL = onlyMethods('POST');

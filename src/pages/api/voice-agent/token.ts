import { getAppContext } from '../../../server/app-context';
import { jsonResponse } from '../../../server/http/api-error';
import { apiRoute, onlyMethods, tokenRequestBody } from '../../../server/http/api-route';
import { readJsonBody } from '../../../server/http/json-body';

export const prerender = false;

export const POST = apiRoute(async ({ request, locals }) => {
  await readJsonBody(request, tokenRequestBody, { allowEmpty: true });
  return jsonResponse(await getAppContext().tokens.issueToken(locals.clientIp));
});

export const ALL = onlyMethods('POST');

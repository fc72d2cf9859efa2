/** Serves the API from a Web `Request` (the catch-all Astro route, used by `astro dev`). */
import type { AppContext } from '../app-context';
import { normaliseIp } from '../http/client-ip';
import type { ApiRequest } from './api-types';
import { handleApiRequest } from './handle-api-request';

export function fromWebRequest(request: Request, clientAddress: string): ApiRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    pathname: url.pathname,
    header: (name) => request.headers.get(name),
    ip: normaliseIp(clientAddress),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    body: () => request.body ?? (async function* () {})(),
  };
}

export async function serveApiFromWeb(request: Request, clientAddress: string, app: AppContext): Promise<Response> {
  const result = await handleApiRequest(fromWebRequest(request, clientAddress), app);
  return new Response(result.body, { status: result.status, headers: result.headers });
}

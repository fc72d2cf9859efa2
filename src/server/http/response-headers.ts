/**
 * Final headers on every response: security headers, cache policy and, for allowed cross-origin API
 * calls, CORS. Astro's experimental CSP computes hashes of its own inline scripts per page; we keep
 * those hashes and replace the rest of its policy with ours.
 */
import { NO_STORE } from './api-error';
import { securityHeaders } from './security-headers';

export function scriptHashesFrom(astroPolicy: string | null): string[] {
  if (!astroPolicy) return [];
  const scriptSrc = astroPolicy.split(';').find((d) => d.trim().startsWith('script-src'));
  return scriptSrc?.match(/sha(256|384|512)-[A-Za-z0-9+/=]+/g) ?? [];
}

/** Cache policy: APIs never cached; HTML always revalidated; anything else keeps what it set. */
export function cacheControlFor(isApi: boolean, contentType: string | null, current: string | null): string | null {
  if (isApi) return NO_STORE;
  if (contentType?.startsWith('text/html')) return 'no-cache';
  return current;
}

export interface FinalHeaderOptions {
  isApi: boolean;
  https: boolean;
  connectSources: readonly string[];
  cors: Record<string, string> | undefined;
}

/** Returns a response carrying the final headers (copying it when its headers are immutable). */
export function withFinalHeaders(response: Response, opts: FinalHeaderOptions): Response {
  const headers = new Headers(response.headers);
  const scriptHashes = scriptHashesFrom(headers.get('content-security-policy'));
  for (const [name, value] of Object.entries(
    securityHeaders({ https: opts.https, connectSources: opts.connectSources, scriptHashes, isApi: opts.isApi }),
  )) {
    headers.set(name, value);
  }
  const cache = cacheControlFor(opts.isApi, headers.get('content-type'), headers.get('cache-control'));
  if (cache) headers.set('Cache-Control', cache);
  if (opts.cors) {
    for (const [name, value] of Object.entries(opts.cors)) {
      if (name === 'Vary') headers.append('Vary', value);
      else headers.set(name, value);
    }
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Final headers on every page: security headers and the cache policy (HTML always revalidated;
 * hashed assets keep the adapter's immutable policy). Should Astro emit its own CSP (experimental.csp),
 * its script hashes are kept and the rest of its policy replaced with ours.
 */
import { securityHeaders } from './security-headers';

export function scriptHashesFrom(astroPolicy: string | null): string[] {
  if (!astroPolicy) return [];
  const scriptSrc = astroPolicy.split(';').find((d) => d.trim().startsWith('script-src'));
  return scriptSrc?.match(/sha(256|384|512)-[A-Za-z0-9+/=]+/g) ?? [];
}

/** HTML is always revalidated; anything else keeps what it set. */
export function pageCacheControl(contentType: string | null, current: string | null): string | null {
  if (contentType?.startsWith('text/html')) return 'no-cache';
  return current;
}

export interface PageHeaderOptions {
  https: boolean;
  connectSources: readonly string[];
}

/** Returns a response carrying the final headers (a copy: Astro's may be immutable). */
export function withFinalHeaders(response: Response, opts: PageHeaderOptions): Response {
  const headers = new Headers(response.headers);
  const scriptHashes = scriptHashesFrom(headers.get('content-security-policy'));
  for (const [name, value] of Object.entries(
    securityHeaders({ https: opts.https, connectSources: opts.connectSources, scriptHashes, isApi: false }),
  )) {
    headers.set(name, value);
  }
  const cache = pageCacheControl(headers.get('content-type'), headers.get('cache-control'));
  if (cache) headers.set('Cache-Control', cache);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

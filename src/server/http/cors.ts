/**
 * Exact-match CORS allowlist: the site's own origin plus ALLOWED_ORIGINS. No wildcard, no suffix
 * matching (`https://evil-example.com` must never pass for `https://example.com`), and `Origin: null`
 * (sandboxed frames, file://) is refused.
 */
export interface CorsPolicy {
  /** Origins allowed in addition to the site's own. */
  allowedOrigins: readonly string[];
  /** Fixed public origin (SITE_URL); when unset the request's own Host and protocol define it. */
  siteUrl: string | undefined;
}

export type CorsVerdict =
  | { kind: 'no-origin' }
  | { kind: 'allowed'; origin: string; sameOrigin: boolean }
  | { kind: 'denied'; origin: string };

export function ownOrigin(protocol: 'http' | 'https', host: string | null): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

export function checkOrigin(
  origin: string | null,
  requestOrigin: string | undefined,
  policy: CorsPolicy,
): CorsVerdict {
  if (origin === null) return { kind: 'no-origin' };
  const self = policy.siteUrl ?? requestOrigin;
  if (self !== undefined && origin === self) return { kind: 'allowed', origin, sameOrigin: true };
  if (policy.allowedOrigins.includes(origin)) return { kind: 'allowed', origin, sameOrigin: false };
  return { kind: 'denied', origin };
}

// Authorization: the fallback endpoints take the session's token as a bearer token.
const ALLOWED_REQUEST_HEADERS = 'Content-Type, Authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/** Headers for an allowed cross-origin response (same-origin requests need none). */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After' };
}

export function preflightHeaders(origin: string, methods: readonly string[]): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
  };
}

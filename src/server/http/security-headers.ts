/**
 * Response headers every page and API answer carries. The CSP is strict: scripts only from our own
 * origin (Astro's small inline hydration script is allowed by hash, computed at build time), no
 * plugins, no framing. The realtime connection targets (OpenAI's API or a configured base URL) are
 * added to `connect-src` so the browser may reach them and nothing else.
 */
export interface SecurityHeaderOptions {
  https: boolean;
  connectSources: readonly string[];
  scriptHashes: readonly string[];
  isApi: boolean;
}

const HSTS = 'max-age=31536000; includeSubDomains';

export function contentSecurityPolicy(opts: Pick<SecurityHeaderOptions, 'connectSources' | 'scriptHashes' | 'isApi'>): string {
  if (opts.isApi) return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
  const scripts = ["'self'", ...opts.scriptHashes.map((h) => `'${h}'`)].join(' ');
  const connect = ["'self'", ...opts.connectSources].join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    // Astro inlines small stylesheets (build.inlineStylesheets: 'auto') and islands set style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}

export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(opts),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (opts.https) headers['Strict-Transport-Security'] = HSTS;
  return headers;
}

/** Origins the browser must be allowed to connect to for realtime sessions (from the upstream base URL). */
export function realtimeConnectSources(openaiBaseUrl: string): string[] {
  const url = new URL(openaiBaseUrl);
  const wsScheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${wsScheme}//${url.host}`];
}

/** The origin of a cross-origin search endpoint (PUBLIC_SEARCH_API_URL); a same-origin path needs nothing. */
export function searchConnectSources(publicSearchApiUrl: string | undefined): string[] {
  if (!publicSearchApiUrl || publicSearchApiUrl.startsWith('/')) return [];
  return [new URL(publicSearchApiUrl).origin];
}

const API_HEADERS = securityHeaders({ https: false, connectSources: [], scriptHashes: [], isApi: true });
const API_HEADERS_HTTPS = securityHeaders({ https: true, connectSources: [], scriptHashes: [], isApi: true });

/** API responses carry a fixed set (computed once: this is on every token request's path). */
export function apiSecurityHeaders(https: boolean): Readonly<Record<string, string>> {
  return https ? API_HEADERS_HTTPS : API_HEADERS;
}

/**
 * Where the browser sends a search: the ONE place that decides. Nothing else in the browser
 * hard-codes a search URL.
 *
 * - Development (the page passed a `devServerUrl`): the standalone search server's `/search`, when its
 *   `/health` answers 200 with JSON `service: 'search'` and a status other than `unhealthy` within a
 *   short time; otherwise the production rule.
 * - Production: the operator's `configuredUrl` (PUBLIC_SEARCH_API_URL) when set, otherwise the
 *   built-in route.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { call } from './voice-agent-api';

export const BUILT_IN_SEARCH_PATH = '/api/voice-agent/responses-search';

/** How long the dev server's `/health` may take before the production rule is used instead. */
export const DEFAULT_PROBE_TIMEOUT_MS = 800;

/** What the page hands the browser (JSON in the `data-search-routing` attribute). */
export interface SearchRouting {
  /** Absolute http(s) URL or same-origin path (`/…`) of the search endpoint in production. */
  configuredUrl?: string;
  /** Base URL of the standalone development search server (e.g. `http://localhost:3001`). */
  devServerUrl?: string;
}

export type SearchEndpointSource = 'dev-server' | 'configured' | 'built-in';

export interface SearchEndpoint {
  url: string;
  source: SearchEndpointSource;
}

export interface ResolveOptions {
  /** The fetch to probe with (tests inject one). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default 800 ms. */
  probeTimeoutMs?: number;
}

/** Pick the search endpoint. Never rejects: anything odd about the dev server means "not there". */
export async function resolveSearchEndpoint(routing: SearchRouting, options: ResolveOptions = {}): Promise<SearchEndpoint> {
  const devServerUrl = safeDevServerUrl(routing.devServerUrl);
  if (devServerUrl !== undefined) {
    try {
      if (await devServerIsHealthy(devServerUrl, options)) return { url: `${devServerUrl}/search`, source: 'dev-server' };
    } catch {
      /* production rule below */
    }
  }
  const configuredUrl = safeConfiguredUrl(routing.configuredUrl);
  if (configuredUrl !== undefined) return { url: configuredUrl, source: 'configured' };
  return { url: BUILT_IN_SEARCH_PATH, source: 'built-in' };
}

/**
 * Read the page's `data-search-routing` attribute. Bad or missing JSON gives `{}`; values that are
 * not strings or not safe URLs are dropped (see `safeConfiguredUrl`, `safeDevServerUrl`).
 */
export function parseSearchRouting(raw: string | undefined | null): SearchRouting {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const record = parsed as Record<string, unknown>;
  const configuredUrl = safeConfiguredUrl(record.configuredUrl);
  const devServerUrl = safeDevServerUrl(record.devServerUrl);
  return {
    ...(configuredUrl !== undefined ? { configuredUrl } : {}),
    ...(devServerUrl !== undefined ? { devServerUrl } : {}),
  };
}

/** An absolute http(s) URL, or a path starting with a single `/` (same origin). Otherwise undefined. */
export function safeConfiguredUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return isSameOriginPath(trimmed) || absoluteHttpUrl(trimmed) !== undefined ? trimmed : undefined;
}

/** An absolute http(s) base URL without query or fragment, trailing slashes removed. Otherwise undefined. */
export function safeDevServerUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const url = absoluteHttpUrl(value.trim());
  if (url === undefined || url.search !== '' || url.hash !== '') return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Whether `value` may be used as a link target or request URL coming from outside this module (a
 * citation from the server, a configured endpoint): absolute http(s), or a same-origin path.
 * Rejects `javascript:`, `data:`, protocol-relative `//host` and `/\host`.
 */
export function isSafeHttpUrlOrPath(value: unknown): value is string {
  return typeof value === 'string' && (isSameOriginPath(value) || absoluteHttpUrl(value) !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Internals

// Whitespace, control characters and backslashes: browsers strip or reinterpret them while parsing URLs.
const URL_TRICKS = /[\s\u0000-\u001f\u007f\\]/;

function isSameOriginPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !URL_TRICKS.test(value);
}

function absoluteHttpUrl(value: string): URL | undefined {
  if (value === '' || URL_TRICKS.test(value) || !/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
    return url;
  } catch {
    return undefined;
  }
}

async function devServerIsHealthy(devServerUrl: string, options: ResolveOptions): Promise<boolean> {
  const result = await call(
    `${devServerUrl}/health`,
    { method: 'GET', fetch: options.fetch },
    (body) => {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
      const { service, status } = body as Record<string, unknown>;
      return service === 'search' && typeof status === 'string' && status !== 'unhealthy' ? true : null;
    },
    { timeoutMs: options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS },
  );
  return result.ok && result.meta.status === 200;
}

/**
 * The API's own request/response shapes, independent of Astro and of `node:http`. The built server
 * serves the API straight from Node (see node-api-adapter.ts: Astro's Web Request/Response conversion
 * cost more CPU per token than the whole bare handler, docs/benchmarks.md); `astro dev` serves the same
 * handlers through a catch-all route (web-api-adapter.ts).
 */
import type { AppContext } from '../app-context';
import type { Config } from '../config';
import type { CorsPolicy } from '../http/cors';
export interface ApiRequest {
  method: string;
  pathname: string;
  /** Lower-case header name → value, or null. */
  header(name: string): string | null;
  /** Client IP, already resolved through TRUST_PROXY. */
  ip: string;
  /** Protocol the client used, already resolved through TRUST_PROXY. */
  protocol: 'http' | 'https';
  /** The request body, streamed (read at most once). */
  body(): AsyncIterable<Uint8Array>;
  /**
   * Aborted when the client goes away before its response was completely sent: handlers pass it to
   * upstream calls so a closed tab stops spending the server's key.
   */
  signal: AbortSignal;
}

/** A streamed body: the adapter writes each chunk as it comes (with backpressure) and stops when the client leaves. */
export type StreamedBody = AsyncIterable<Uint8Array>;

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | StreamedBody | null;
}

export type Handler = (req: ApiRequest, app: AppContext) => Promise<ApiResponse>;
/** HTTP method → handler for one path. */
export type RouteMethods = Readonly<Record<string, Handler>>;

/** A route with a path parameter: the handler reads it from `req.pathname`. */
export interface PatternRoute {
  pattern: RegExp;
  /** The metrics/log label (e.g. `/api/admin/sessions/:id/end`). */
  label: string;
  methods: RouteMethods;
}

/**
 * One HTTP API served through the shared pipeline (handle-api-request.ts): the app's API, or the
 * standalone search server's.
 */
export interface ApiSurface {
  routes: Readonly<Record<string, RouteMethods>>;
  /** Parameterised routes, tried when no exact route matches. */
  patterns?: readonly PatternRoute[];
  /** Whether CORS rules apply to this path (not to the Prometheus scrape). */
  corsChecked(pathname: string): boolean;
  /** Bounded label for metrics and logs. */
  label(pathname: string): string;
  /** Which origins may call it (the app: its own origin + ALLOWED_ORIGINS). */
  corsPolicy(config: Config): CorsPolicy;
}

/**
 * The API's own request/response shapes, independent of Astro and of `node:http`. The built server
 * serves the API straight from Node (see node-api-adapter.ts: Astro's Web Request/Response conversion
 * cost more CPU per token than the whole bare handler, docs/benchmarks.md); `astro dev` serves the same
 * handlers through a catch-all route (web-api-adapter.ts).
 */
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
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

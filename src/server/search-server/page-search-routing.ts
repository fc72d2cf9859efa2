/**
 * What the page tells the browser about where searches go (the browser module
 * src/lib/voice-agent/api/search-endpoint.ts makes the final choice). Read at request time, so
 * PUBLIC_SEARCH_API_URL takes effect without a rebuild.
 */
import type { Config } from '../config';

export interface PageSearchRouting {
  /** PUBLIC_SEARCH_API_URL, when set. */
  configuredUrl?: string;
  /** Development only: the standalone search server the browser probes first. */
  devServerUrl?: string;
}

/** The architecture's DEV_SEARCH_URL host: `http://localhost:3001` unless SEARCH_SERVER_PORT says otherwise. */
export function devSearchServerUrl(config: Pick<Config, 'searchServerPort'>): string {
  return `http://localhost:${config.searchServerPort}`;
}

export function pageSearchRouting(config: Pick<Config, 'publicSearchApiUrl' | 'searchServerPort'>, dev: boolean): PageSearchRouting {
  return {
    ...(config.publicSearchApiUrl ? { configuredUrl: config.publicSearchApiUrl } : {}),
    ...(dev ? { devServerUrl: devSearchServerUrl(config) } : {}),
  };
}

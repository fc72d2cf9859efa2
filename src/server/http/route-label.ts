/** A bounded label for metrics and logs: known routes by name, everything else collapsed (no cardinality blow-up). */
import { API_PATTERN_ROUTES, API_ROUTES } from '../api/api-routes';

const KNOWN = new Set(['/', '/coach', '/privacy', '/library', ...Object.keys(API_ROUTES)]);

export function routeLabel(pathname: string): string {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (KNOWN.has(path)) return path;
  const pattern = API_PATTERN_ROUTES.find((route) => route.pattern.test(path));
  if (pattern) return pattern.label;
  if (path.startsWith('/api/')) return '/api/other';
  if (path.startsWith('/library/')) return '/library/:slug';
  return '/other';
}

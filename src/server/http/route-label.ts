/** A bounded label for metrics and logs: known routes by name, everything else collapsed (no cardinality blow-up). */
const KNOWN = new Set([
  '/',
  '/coach',
  '/privacy',
  '/metrics',
  '/api/voice-agent/token',
  '/api/voice-agent/refresh-token',
  '/api/voice-agent/refresh',
  '/api/voice-agent/end-session',
  '/api/voice-agent/health',
  '/api/voice-agent/responses-search',
]);

export function routeLabel(pathname: string): string {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (KNOWN.has(path)) return path;
  if (path.startsWith('/api/')) return '/api/other';
  if (path === '/library' || path.startsWith('/library/')) return path === '/library' ? '/library' : '/library/:slug';
  return '/other';
}

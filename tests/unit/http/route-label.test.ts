import { describe, expect, it } from 'vitest';
import { routeLabel } from '../../../src/server/http/route-label';

describe('route labels for metrics', () => {
  it('names every API route and page, and collapses everything else', () => {
    expect(routeLabel('/api/voice-agent/token')).toBe('/api/voice-agent/token');
    expect(routeLabel('/api/voice-agent/responses-search')).toBe('/api/voice-agent/responses-search');
    expect(routeLabel('/metrics')).toBe('/metrics');
    expect(routeLabel('/coach/')).toBe('/coach');
    expect(routeLabel('/library/eu-ai-act-high-risk-systems')).toBe('/library/:slug');
    expect(routeLabel('/api/voice-agent/../../etc/passwd')).toBe('/api/other');
    expect(routeLabel('/wp-admin/x')).toBe('/other');
  });
});

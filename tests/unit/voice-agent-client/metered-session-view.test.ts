/**
 * The metered session's part of the console, rendered to HTML (no browser here; the live behaviour runs in
 * Chromium in the e2e tests): the usage line with its estimate tooltip, the polite live region that is on the
 * page before the one-minute notice enters it, and the server's end with its reason and the transcript kept.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MeteredSession from '../../../src/features/voice-agent/components/MeteredSession';
import type { MeterView } from '../../../src/lib/voice-agent/metering/meter-view';
import type { TranscriptTurn } from '../../../src/lib/voice-agent/realtime/transcript-state';

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
const meter = (patch: Partial<MeterView> = {}): MeterView => ({
  costUsd: 0.42,
  connectedSeconds: 360,
  inputTokens: 1_000,
  outputTokens: 2_000,
  endsAtLocal: NOW + 24 * 60_000,
  limit: 'session_minutes',
  limitMs: 30 * 60_000,
  warningSeconds: 60,
  ...patch,
});
const render = (props: Parameters<typeof MeteredSession>[0]) => renderToStaticMarkup(createElement(MeteredSession, props));
const asText = () => '';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe('MeteredSession', () => {
  it('shows a small usage line, says the cost is an estimate, and no notice while there is time', () => {
    const html = render({ meter: meter(), asText });
    expect(html).toMatch(/data-testid="session-usage" title="Estimated cost of this session so far[^"]*An estimate: the actual invoice may differ\./);
    expect(html).toContain('≈ $0.42 · 6 min');
    expect(html).toContain('<div data-testid="session-limit-live" role="status" aria-live="polite"></div>');
    expect(html).not.toContain('session-limit-warning');
  });

  it('says "One minute left" inside the polite live region a minute before the server\'s end', () => {
    const html = render({ meter: meter({ endsAtLocal: NOW + 60_000 }), asText });
    expect(html).toMatch(/aria-live="polite"><p data-testid="session-limit-warning"[^>]*>One minute left — this session ends at its 30-minute limit\. Your transcript will be kept\.<\/p>/);
  });

  it('once the server has ended the session, names its reason and keeps the transcript on screen', () => {
    const turns: TranscriptTurn[] = [
      { itemId: 'u1', role: 'user', text: 'We need the budget for the pilot.', status: 'done' } as TranscriptTurn,
      { itemId: 'a1', role: 'assistant', text: 'What does the CFO get back, and when?', status: 'done' } as TranscriptTurn,
    ];
    const ended = { reason: 'session_minutes' as const, message: 'This session reached its 30-minute limit.' };
    const html = render({ ended, keptTurns: turns, asText });
    expect(html).toMatch(/data-testid="session-ended-notice" data-reason="session_minutes"[^>]*>This session reached its 30-minute limit\. The conversation so far is kept below\.</);
    expect(html.match(/data-testid="voice-turn"/g)).toHaveLength(2);
    expect(html).toContain('What does the CFO get back, and when?');
    expect(html).not.toContain('session-usage');
    // While the session is still being wrapped up, the live panel shows the transcript: no second copy.
    expect(render({ ended, asText })).not.toContain('voice-turn');
  });
});

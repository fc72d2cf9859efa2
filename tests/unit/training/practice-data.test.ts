/** The /coach page's `data-practice` attribute, read defensively: bad input means defaults, never a crash. */
import { describe, expect, it } from 'vitest';
import { parsePracticeData } from '../../../src/features/voice-agent/practice-data';

describe('parsePracticeData', () => {
  it('reads the scenario and the titles the page wrote', () => {
    const data = { practice: { id: 'free-coaching', title: 'Free coaching' }, titles: { articles: { 'eu-ai-act': 'The EU AI Act' }, scenarios: { 'free-coaching': 'Free coaching' } } };
    expect(parsePracticeData(JSON.stringify(data))).toEqual(data);
  });

  it.each([undefined, '', 'not json', 'null', '42', '{"practice":{"id":3},"titles":{"articles":[],"scenarios":{}}}'])('falls back to defaults for %j', (raw) => {
    expect(parsePracticeData(raw)).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { processTerm, stem, terms } from '../../../src/server/search/knowledge/text-terms';

describe('term processing', () => {
  it('drops stop words and lowercases', () => {
    expect(terms('What does the EU AI Act require?')).toEqual(['eu', 'ai', 'act', 'requir']);
    expect(processTerm('The')).toBeNull();
  });

  it('stems families of words together', () => {
    const same = (words: string[]) => expect(new Set(words.map(stem)).size, words.join(', ')).toBe(1);
    same(['require', 'requires', 'required', 'requirement', 'requirements', 'requiring']);
    same(['measure', 'measuring', 'measurement', 'measures']);
    same(['system', 'systems']);
    same(['policy', 'policies']);
    same(['control', 'controls', 'controlled', 'controlling']);
    same(['generative', 'generated', 'generation']);
    same(['upskill', 'upskilling']);
    same(['plan', 'planning']);
    same(['kpi', 'kpis']);
  });

  it('keeps words whose final s is not a plural', () => {
    expect(stem('bias')).toBe('bias');
    expect(stem('process')).toBe('process');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('status')).toBe('status');
  });
});

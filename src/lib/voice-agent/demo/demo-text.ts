/**
 * Small text helpers the scripted coach is built on: one normal form for matching what people say
 * (speech recognition and typing spell the same thing differently), keyword scoring, sentence
 * splitting for speech, and the template filling for lines that mention the user's organisation.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** Lower case, straight quotes, no punctuation but apostrophes, single spaces: "What's the EU AI-Act?" → "what's the eu ai act". */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[^a-z0-9'%£€$&+]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function wordCount(text: string): number {
  const clean = normalise(text);
  return clean ? clean.split(' ').length : 0;
}

/**
 * Keyword weights: a key is a word or phrase matched on word boundaries; a trailing `*` matches any
 * ending ("govern*" → governance, governing). Weights say how strongly a term signals its topic.
 */
export type Keywords = Readonly<Record<string, number>>;

const patterns = new Map<string, RegExp>();

function patternFor(term: string): RegExp {
  let pattern = patterns.get(term);
  if (!pattern) {
    const prefix = term.endsWith('*');
    const body = (prefix ? term.slice(0, -1) : term).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s');
    pattern = new RegExp(`(?:^|\\s)${body}${prefix ? '' : "(?=$|\\s|'s)"}`);
    patterns.set(term, pattern);
  }
  return pattern;
}

/** True when the normalised text contains the term (see `Keywords` for the syntax). */
export function hasTerm(normalised: string, term: string): boolean {
  return patternFor(term).test(normalised);
}

export function hasAny(normalised: string, terms: readonly string[]): boolean {
  return terms.some((term) => hasTerm(normalised, term));
}

/** Sum of the weights of the terms found (each term counts once). */
export function score(normalised: string, keywords: Keywords): number {
  let total = 0;
  for (const [term, weight] of Object.entries(keywords)) if (hasTerm(normalised, term)) total += weight;
  return total;
}

/**
 * Sentences for speech: the synthesiser gets one at a time (long utterances stall in some browsers, and
 * a cut on barge-in falls on a sentence boundary). Abbreviations common in the script ("e.g.", "EU AI
 * Act, Art. 5") are not sentence ends.
 */
export function splitSentences(text: string): string[] {
  const protectedText = text.replace(/\b(e\.g|i\.e|etc|Art|No|vs)\./g, '$1\u0000');
  return protectedText
    .split(/(?<=[.!?…])\s+(?=["'‘“(]?[A-Z0-9])/)
    .map((s) => s.replace(/\u0000/g, '.').trim())
    .filter((s) => s.length > 0);
}

/** Fill `{name}` slots; unknown slots are left out rather than read aloud as braces. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '').replace(/\s{2,}/g, ' ').trim();
}

/** "a", "a and b", "a, b and c". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

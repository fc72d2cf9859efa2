/**
 * Cuts the coach's streamed reply into sentences as soon as each is complete, so the first one can go to
 * `/speech` while the rest is still being written: the first audio starts after one sentence, not after
 * the whole reply.
 *
 * A sentence ends at `.`, `!`, `?` or `…` (runs like `?!` and `...` too, with closing quotes or brackets
 * after them) followed by whitespace and the start of the next sentence, or at a line break. Not at:
 * decimals (3.5), titles and common abbreviations (Dr., e.g., i.e., vs.), dotted acronyms (U.S.), single
 * initials (J. Smith), list numbers at the start of a line (1. …), or a period followed by a lowercase word
 * (probably an abbreviation this list does not know). When in doubt it does not split: two sentences
 * spoken as one cost a little latency, a sentence cut in two sounds wrong.
 *
 * Very short sentences ("Sure.") are merged with the next (speech for a word or two sounds choppy), and
 * a sentence that never ends is cut at a comma or space near `MAX_SENTENCE_CHARS` (latency, and the
 * server's 1000-character limit per speech request).
 *
 * Pure and incremental: `push` text as it streams, `flush` at the end.
 * Browser-only module: never import from `src/server/**` here.
 */

export const MIN_SENTENCE_CHARS = 16;
export const MAX_SENTENCE_CHARS = 280;

const TERMINALS = '.!?…';
const CLOSERS = `"'”’»)]*_`;
/** Words that end with a period without ending the sentence (compared in lowercase, without the final dot). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'ft', 'gen', 'sen', 'rep', 'gov', 'capt', 'lt', 'col', 'rev', 'fr', 'hon',
  'e.g', 'i.e', 'vs', 'cf', 'approx', 'incl', 'ca', 'viz', 'al', 'esp', 'dept', 'est', 'fig', 'inc', 'ltd', 'co', 'corp', 'no', 'nos', 'pp',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

export interface SentenceSplitter {
  /** Feed the next piece of text; the sentences it completed, in order. */
  push(text: string): string[];
  /** The end of the text: whatever is left, as the last sentence(s). */
  flush(): string[];
}

export function createSentenceSplitter(options: { minChars?: number; maxChars?: number } = {}): SentenceSplitter {
  const minChars = options.minChars ?? MIN_SENTENCE_CHARS;
  const maxChars = options.maxChars ?? MAX_SENTENCE_CHARS;
  let buffer = '';
  /** Where scanning resumes: everything before it is known not to end a sentence. */
  let scanFrom = 0;
  /** A sentence too short to speak alone, waiting for the next. */
  let held = '';

  function emit(raw: string, out: string[], final = false): void {
    const sentence = normalize(raw);
    if (!sentence) return;
    const joined = held ? `${held} ${sentence}` : sentence;
    if (joined.length < minChars && !final) held = joined;
    else {
      out.push(joined);
      held = '';
    }
  }

  function cut(at: number, skip: number, out: string[]): void {
    emit(buffer.slice(0, at), out);
    buffer = buffer.slice(at + skip);
    scanFrom = 0;
  }

  return {
    push(text) {
      const out: string[] = [];
      buffer += text;
      for (;;) {
        const boundary = findBoundary(buffer, scanFrom);
        if (boundary.kind === 'cut') {
          cut(boundary.at, boundary.skip, out);
          continue;
        }
        scanFrom = boundary.resumeAt;
        if (buffer.length > maxChars) {
          cut(longCut(buffer, maxChars), 0, out);
          continue;
        }
        return out;
      }
    },
    flush() {
      const out: string[] = [];
      emit(buffer, out, true);
      if (held) {
        out.push(held);
        held = '';
      }
      buffer = '';
      scanFrom = 0;
      return out;
    },
  };
}

type Boundary = { kind: 'cut'; at: number; skip: number } | { kind: 'wait'; resumeAt: number };

/** The first sentence end in `text` from `from`, or where to resume once more text has arrived. */
function findBoundary(text: string, from: number): Boundary {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') return { kind: 'cut', at: i, skip: 1 };
    if (!TERMINALS.includes(c)) continue;
    let end = i;
    while (end < text.length && TERMINALS.includes(text[end]!)) end++;
    while (end < text.length && CLOSERS.includes(text[end]!)) end++;
    if (end === text.length) return { kind: 'wait', resumeAt: i }; // "3." might become "3.5"
    if (!/\s/.test(text[end]!)) {
      i = end - 1; // "3.5", "e.g.x", "U.S.A": not an end
      continue;
    }
    let next = end;
    while (next < text.length && /[ \t\r\f\v\u00a0]/.test(text[next]!)) next++;
    if (next === text.length) return { kind: 'wait', resumeAt: i }; // the next sentence decides
    if (text[next] === '\n' || endsSentence(text, i, end, text[next]!)) return { kind: 'cut', at: end, skip: 0 };
    i = end - 1;
  }
  return { kind: 'wait', resumeAt: text.length };
}

function endsSentence(text: string, runStart: number, runEnd: number, next: string): boolean {
  const run = text.slice(runStart, runEnd);
  if (/[!?]/.test(run)) return true;
  const startsLower = next !== next.toUpperCase() && next === next.toLowerCase();
  if (/\.\.|…/.test(run)) return !startsLower; // "I was… well" goes on; "…Then" is a new sentence
  if (startsLower) return false;
  const word = wordBefore(text, runStart);
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return false;
  if (/^[a-z]$/i.test(word)) return false; // an initial: "J. Smith"
  if (/^(?:[a-z]\.)+[a-z]$/i.test(word)) return false; // a dotted acronym: "U.S", "e.g"
  // "1." at the start of a line is a list number, not a sentence.
  if (/^\d+$/.test(word) && /(^|\n)[ \t]*$/.test(text.slice(0, runStart - word.length))) return false;
  return true;
}

function wordBefore(text: string, at: number): string {
  let start = at;
  while (start > 0 && !/[\s"'“‘«([*_]/.test(text[start - 1]!)) start--;
  return text.slice(start, at);
}

/** Where to cut a sentence that is too long: a clause break, else a space, else anywhere. */
function longCut(text: string, maxChars: number): number {
  const head = text.slice(0, maxChars);
  const clause = Math.max(head.lastIndexOf(', '), head.lastIndexOf('; '), head.lastIndexOf(': '), head.lastIndexOf(' – '), head.lastIndexOf(' — '));
  if (clause >= maxChars / 3) return clause + 1;
  const space = head.lastIndexOf(' ');
  return space > 0 ? space : maxChars;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Answer text and citation links shared by the web providers. Web providers return Markdown
 * (OpenAI) or HTML snippets (SearXNG); a text-to-speech voice would read "open bracket, h t t p
 * s…" out loud, so links, URLs, footnote markers and formatting go (the citations carry the links
 * for the screen), and the answer is cut at a sentence boundary to stay short enough to listen to.
 */
import { sentences } from '../knowledge/knowledge-index';

export const SPEAKABLE_MAX_WORDS = 90;

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '…', mdash: '—', ndash: '–',
  rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', laquo: '«', raquo: '»', middot: '·', copy: '©', reg: '®',
};

/** HTML fragment → plain text. One pass over entities, so "&amp;lt;" stays "&lt;" as the author meant. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Markdown-ish model output → plain spoken sentences. */
export function stripForSpeech(text: string): string {
  const lines = text
    // OpenAI's inline citations: " ([host](url))" — the annotation already carries the link.
    .replace(/\s*\(\s*\[[^\]]*\]\([^)\s]*\)\s*\)/g, '')
    .replace(/!?\[([^\]]*)\]\([^)\s]*\)/g, '$1')
    .replace(/\s*(?:\[\d+(?:\s*[,–-]\s*\d+)*\]|【[^】]*】)/g, '')
    .replace(/\b(?:https?:\/\/|www\.)[^\s)\]]+/gi, '')
    .replace(/\*\*|__|`+/g, '')
    .replace(/(^|\s)\*(\S[^*\n]*?)\*(?=[\s.,;:!?]|$)/g, '$1$2')
    .split(/\r?\n+/)
    .map((line) => line.replace(/^\s*(?:#{1,6}\s*|[-*•+]\s+|\d{1,2}[.)]\s+|>\s*)/, '').replace(/#/g, '').trim())
    .filter(Boolean);
  // A list read aloud needs a pause between items: end each line as a sentence.
  return lines
    .map((line, i) => (i < lines.length - 1 && !/[.!?:;…]$/.test(line) ? `${line}.` : line))
    .join(' ')
    .replace(/\(\s*\)/g, '')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/([.,;:!?])\1+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Whole sentences up to `maxWords`; a single overlong sentence is cut at a word, with an ellipsis. */
export function limitWords(text: string, maxWords = SPEAKABLE_MAX_WORDS): string {
  if (wordCount(text) <= maxWords) return text;
  let out = '';
  for (const sentence of sentences(text)) {
    const next = out ? `${out} ${sentence}` : sentence;
    if (wordCount(next) > maxWords) break;
    out = next;
  }
  if (out) return out;
  return `${text.split(/\s+/).filter(Boolean).slice(0, maxWords).join(' ').replace(/[\s,;:.–—-]+$/, '')}…`;
}

/** Drops a trailing fragment (a reply cut off by a token limit) when a whole sentence precedes it. */
export function dropUnfinishedSentence(text: string): string {
  const trimmed = text.trim();
  if (/[.!?…]["”’)]?$/.test(trimmed)) return trimmed;
  const parts = sentences(trimmed);
  return parts.length > 1 ? parts.slice(0, -1).join(' ') : trimmed;
}

export function toSpeakable(text: string, maxWords = SPEAKABLE_MAX_WORDS): string {
  return limitWords(stripForSpeech(text), maxWords);
}

/**
 * Only http(s) links reach the screen; OpenAI tags cited links with `utm_source=chatgpt.com`, which
 * says nothing about the page and would split one source into two when deduplicating.
 */
export function cleanUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  for (const key of [...url.searchParams.keys()]) if (key.toLowerCase().startsWith('utm_')) url.searchParams.delete(key);
  return url.toString();
}

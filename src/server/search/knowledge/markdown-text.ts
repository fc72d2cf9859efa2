/**
 * Markdown → plain text for indexing and for spoken snippets. Deliberately small: the knowledge
 * articles use headings, paragraphs, lists, emphasis, links, the odd table and blockquote. List items
 * and headings get a full stop when they have no end punctuation, so sentence splitting (snippets)
 * treats them as sentences.
 */

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
  '&nbsp;': ' ',
  '&ndash;': '–',
  '&mdash;': '—',
};

function terminate(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  return /[.!?:;…)"'”’]$/.test(t) ? t : `${t}.`;
}

/** Inline Markdown → text. */
export function inlineToText(text: string): string {
  return (
    text
      // images and links: keep the visible text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
      // inline HTML tags
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      // code spans
      .replace(/`+([^`]*)`+/g, '$1')
      // strong / emphasis / strikethrough (word-internal underscores stay)
      .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1$2')
      .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/&[a-z#0-9]+;/gi, (e) => ENTITIES[e.toLowerCase()] ?? e)
      .replace(/\\([\\`*_{}[\]()#+\-.!|>])/g, '$1')
  );
}

const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|\||```|~~~)/;

/** Folds wrapped continuation lines into the list item they continue (CommonMark "lazy" lines). */
function joinListContinuations(lines: string[]): string[] {
  const out: string[] = [];
  let inItem = false;
  let inFence = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const blank = line.trim() === '';
    if (!inFence && inItem && !blank && !BLOCK_START.test(line)) {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`;
      continue;
    }
    out.push(line);
    inItem = !inFence && /^\s*(?:[-*+]|\d+[.)])\s+/.test(line);
    if (blank) inItem = false;
  }
  return out;
}

/** Block-level Markdown → plain text, whitespace collapsed to single spaces. */
export function markdownToPlainText(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const rawLine of joinListContinuations(markdown.split(/\r?\n/))) {
    if (/^\s*(```|~~~)/.test(rawLine)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      out.push(rawLine.trim());
      continue;
    }
    let line = rawLine.trim();
    if (line === '') {
      out.push('');
      continue;
    }
    if (/^([-*_])(\s*\1){2,}$/.test(line)) continue; // horizontal rule
    if (/^\[[^\]]+\]:\s*\S+/.test(line)) continue; // link reference definition
    if (/^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/.test(line)) continue; // table separator row
    line = line.replace(/^(>\s*)+/, '');
    const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (heading) {
      out.push(terminate(inlineToText(heading[1] ?? '')), '');
      continue;
    }
    const item = /^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$/.exec(line);
    if (item) {
      out.push(terminate(inlineToText(item[1] ?? '')), '');
      continue;
    }
    if (line.includes('|') && /^\|.*\|$/.test(line)) {
      const cells = line
        .slice(1, -1)
        .split('|')
        .map((c) => inlineToText(c.trim()))
        .filter(Boolean);
      out.push(terminate(cells.join(', ')), '');
      continue;
    }
    out.push(inlineToText(line));
  }
  return out
    .join('\n')
    .split(/\n{2,}/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(' ')
    .trim();
}

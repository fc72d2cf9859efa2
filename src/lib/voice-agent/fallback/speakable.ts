/**
 * What `/speech` should read aloud for a sentence of the coach's reply: the model sometimes writes
 * markdown (emphasis, links, bullets, code) even when asked for plain speech, and a voice saying
 * "asterisk asterisk" or a URL letter by letter is worse than saying nothing. The transcript keeps the
 * original text; only the spoken copy is cleaned.
 *
 * Pure. Browser-only module: never import from `src/server/**` here.
 */

export function speakable(sentence: string): string {
  return sentence
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [title](url) → title; images → their alt text
    .replace(/\bhttps?:\/\/\S+/gi, '') // a bare URL is shown, not read
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/^\s*#{1,6}\s+/, '') // heading
    .replace(/^\s*(?:[-*+•]|\d+[.)])\s+/, '') // bullet or list number
    .replace(/(\*\*|__|\*|~~)(?=\S)([\s\S]*?\S)\1/g, '$2') // **bold**, *italic*, __bold__, ~~struck~~
    .replace(/(^|\s)_(?=\S)([\s\S]*?\S)_(?=\s|[.,!?;:]|$)/g, '$1$2') // _italic_ (not snake_case)
    .replace(/[*#]+/g, ' ')
    .replace(/\s+([.,!?;:])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

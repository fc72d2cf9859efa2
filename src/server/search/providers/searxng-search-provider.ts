/**
 * Web search through a self-hosted SearXNG instance (its JSON API, `GET /search?format=json`), for
 * teams that cannot send queries to OpenAI. SearXNG returns ranked results, not an answer, so the
 * spoken answer is composed here: SearXNG's own direct answer when it has one, else the first
 * sentence of the top results' snippets, each attributed ("According to <title>, …").
 */
import { SearchProviderError, type Citation, type SearchProvider, type SearchResult } from '../search-types';
import { sentences } from '../knowledge/knowledge-index';
import { SPEAKABLE_MAX_WORDS, cleanUrl, htmlToText, limitWords, stripForSpeech } from './answer-text';

export interface SearxngSearchProviderOptions {
  /** The instance root, e.g. `http://searxng:8080` (a path prefix such as `/searx` is kept). */
  baseUrl: string;
  timeoutMs: number;
  /** Injectable for tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const SEARXNG_JSON_HINT = "enable the JSON API: add `json` to `search.formats` in SearXNG's settings.yml";
export const NOTHING_FOUND_ANSWER = 'The web search found nothing on that.';
const MAX_CITATIONS = 5;
const MAX_SNIPPETS = 3;

interface SearxngResult {
  url?: unknown;
  title?: unknown;
  content?: unknown;
}
interface SearxngBody {
  results?: unknown;
  answers?: unknown;
  unresponsive_engines?: unknown;
}

export function createSearxngSearchProvider(options: SearxngSearchProviderOptions): SearchProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? fetch;
  const fail = (kind: SearchProviderError['kind'], message: string, retryable: boolean, status?: number) =>
    new SearchProviderError('searxng', kind, message, retryable, status);

  return {
    name: 'searxng',
    async search(query, signal) {
      const params = new URLSearchParams({ q: query, format: 'json', language: 'en', safesearch: '1' });
      const deadline = AbortSignal.timeout(options.timeoutMs);
      let status: number;
      let type: string;
      let text: string;
      try {
        // Accept-Language: SearXNG's bot detection (when its limiter is on) rejects requests without one.
        const res = await fetchFn(`${base}/search?${params}`, {
          headers: { accept: 'application/json', 'accept-language': 'en' },
          signal: AbortSignal.any([signal, deadline]),
        });
        status = res.status;
        type = res.headers.get('content-type') ?? '';
        text = await res.text(); // inside the try: a body that stalls is a timeout too
      } catch (error) {
        if (deadline.aborted) throw fail('timeout', `no answer within ${options.timeoutMs} ms`, true);
        if (signal.aborted) {
          const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
          throw fail('timeout', timedOut ? 'search deadline passed' : 'search cancelled', timedOut);
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw fail('unavailable', `cannot reach SearXNG at ${base}: ${cause?.code ?? cause?.message ?? String(error)}`, true);
      }

      if (status === 429) {
        throw fail('rate_limited', "SearXNG is rate-limiting this server (if its limiter is on, pass this server's IP in limiter.toml)", false, 429);
      }
      if (status >= 500) throw fail('unavailable', `SearXNG answered HTTP ${status}`, true, status);
      if (status === 401) throw fail('auth', 'SearXNG (or a proxy in front of it) asks for credentials', false, status);
      let body: SearxngBody | undefined;
      try {
        body = JSON.parse(text) as SearxngBody;
      } catch {
        body = undefined;
      }
      if (status === 403 || (!body && /html/i.test(type))) {
        // SearXNG aborts with a 403 HTML page when `format=json` is not in search.formats.
        throw fail('bad_response', `SearXNG refused format=json (HTTP ${status}): ${SEARXNG_JSON_HINT}`, false, status);
      }
      if (status < 200 || status > 299) throw fail('bad_response', `SearXNG answered HTTP ${status}; check SEARXNG_URL`, false, status);
      if (!body || typeof body !== 'object' || !Array.isArray(body.results)) {
        throw fail('bad_response', `SearXNG did not answer its JSON format (${type || 'no content type'}); ${SEARXNG_JSON_HINT}`, false, status);
      }
      return compose(body);
    },
  };

  function compose(body: SearxngBody): SearchResult {
    const results = usableResults(body.results as unknown[]);
    const direct = directAnswer(body.answers);
    if (results.length === 0 && !direct) {
      const silent = Array.isArray(body.unresponsive_engines) ? body.unresponsive_engines : [];
      // "Nothing found" would be a false statement when the engines never answered: let the
      // service retry or fall back to the library instead.
      if (silent.length > 0) {
        const names = silent.map((e) => (Array.isArray(e) ? String(e[0]) : String(e))).join(', ');
        throw fail('unavailable', `no results; unresponsive engines: ${names}`, true);
      }
      return { answer: NOTHING_FOUND_ANSWER, citations: [], provider: 'searxng' };
    }
    const citations: Citation[] = [];
    const add = (c: Citation) => citations.some((x) => x.url === c.url) || citations.push(c);
    if (direct?.url) add({ title: direct.title, url: direct.url });
    for (const r of results) add({ title: r.title, url: r.url });
    return { answer: direct ? direct.text : fromSnippets(results), citations: citations.slice(0, MAX_CITATIONS), provider: 'searxng' };
  }
}

interface Usable {
  title: string;
  url: string;
  snippet: string;
}

function usableResults(raw: readonly unknown[]): Usable[] {
  const out: Usable[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const r = item as SearxngResult;
    const url = typeof r.url === 'string' ? cleanUrl(r.url) : undefined;
    if (!url || out.some((u) => u.url === url)) continue;
    const title = htmlToText(typeof r.title === 'string' ? r.title : '') || new URL(url).hostname;
    out.push({ title, url, snippet: typeof r.content === 'string' ? speakableSnippet(r.content) : '' });
  }
  return out;
}

/** `answers` holds strings in older SearXNG versions and `{answer, url?}` objects in newer ones. */
function directAnswer(answers: unknown): { text: string; url?: string; title: string } | undefined {
  if (!Array.isArray(answers)) return undefined;
  for (const a of answers) {
    const raw = typeof a === 'string' ? a : a && typeof a === 'object' ? (a as { answer?: unknown }).answer : undefined;
    const text = typeof raw === 'string' ? limitWords(endSentence(stripForSpeech(htmlToText(raw)))) : '';
    if (!text || text === '.') continue;
    const url = typeof (a as { url?: unknown }).url === 'string' ? cleanUrl((a as { url: string }).url) : undefined;
    return { text, url, title: url ? new URL(url).hostname.replace(/^www\./, '') : 'SearXNG' };
  }
  return undefined;
}

function fromSnippets(results: readonly Usable[]): string {
  const parts: string[] = [];
  let words = 0;
  for (const r of results.filter((x) => x.snippet).slice(0, MAX_SNIPPETS)) {
    const part = `According to ${spokenTitle(r.title)}, ${lowerFirst(r.snippet)}`;
    const n = part.split(/\s+/).length;
    if (parts.length > 0 && words + n > SPEAKABLE_MAX_WORDS) break;
    parts.push(part);
    words += n;
  }
  if (parts.length === 0) return `The web search found ${results.length === 1 ? 'one page' : 'pages'} on that, starting with ${spokenTitle(results[0]!.title)}.`;
  return limitWords(parts.join(' '));
}

/** Snippets often start with a date ("Jun 5, 2024 — ") and end mid-sentence; keep the first sentence. */
function speakableSnippet(content: string): string {
  const text = stripForSpeech(htmlToText(content)).replace(/^(?:[A-Z][a-z]{2} \d{1,2}, \d{4}|\d+ (?:minutes?|hours?|days?|weeks?) ago)\s*[—–·-]\s*/, '');
  const first = sentences(text)[0] ?? '';
  return first ? endSentence(first.replace(/\s*(?:\.\.\.|…)$/, '')) : '';
}

/** "EU AI Act: first regulation | Topics | European Parliament" → "EU AI Act: first regulation". */
function spokenTitle(title: string): string {
  const head = title.split(/\s+[|–—·»-]\s+/)[0]?.trim() || title;
  return head.split(/\s+/).slice(0, 12).join(' ').replace(/[\s.…:]+$/, '');
}

const endSentence = (s: string) => (/[.!?…]["”’)]?$/.test(s) ? s : `${s}.`);

// Only sentence-starting function words are lower-cased after "According to X,": names and acronyms keep their capitals.
const STARTERS = new Set('the a an this these that those it its in on for with as at by from to our there when while after before most many some all each every more'.split(' '));
function lowerFirst(s: string): string {
  const word = s.split(/\s/, 1)[0] ?? '';
  return STARTERS.has(word.toLowerCase()) && /^[A-Z][a-z]*$/.test(word) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

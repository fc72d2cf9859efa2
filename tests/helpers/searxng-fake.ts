/**
 * A small local stand-in for a SearXNG instance, following its documented JSON API
 * (docs.searxng.org/dev/search_api.html): `GET /search?q=…&format=json` →
 * `{query, number_of_results, results, answers, corrections, infoboxes, suggestions, unresponsive_engines}`.
 * As real SearXNG does, a `format` missing from `search.formats` gets a 403 HTML page
 * (`flask.abort(403)`), and a missing `q` gets a 400. Results are deterministic per query.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SearxngFault {
  /** Answer with this HTTP status (plain text / HTML body, as SearXNG and its proxies do). */
  status?: number;
  /** Delay before answering. */
  latencyMs?: number;
  /** Never answer; the socket stays open until the client gives up or `close()`. */
  hang?: boolean;
  /** Answer 200 application/json with a body that is not JSON. */
  badJson?: boolean;
  /** Answer 200 with results but every engine listed as unresponsive (no results). */
  enginesDown?: boolean;
}

export interface SearxngRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface SearxngFake {
  /** Base URL, no trailing slash (what SEARXNG_URL would be). */
  url: string;
  setFault(fault: SearxngFault | null): void;
  requests(): readonly SearxngRequest[];
  close(): Promise<void>;
}

type Result = { url: string; title: string; content: string; engine: string; engines: string[]; score: number; category: string; publishedDate?: string | null };

const result = (url: string, title: string, content: string, score: number, publishedDate: string | null = null): Result => ({
  url,
  title,
  content,
  engine: 'duckduckgo',
  engines: ['duckduckgo', 'brave'],
  score,
  category: 'general',
  publishedDate,
});

/** Fixtures on reserved hosts: a query matches when it contains the key. */
const FIXTURES: Record<string, { results: Result[]; answers?: unknown[]; infoboxes?: unknown[] }> = {
  'eu ai act': {
    results: [
      result(
        'https://policy.example.org/eu-ai-act/high-risk?utm_source=feed',
        'EU AI Act: obligations for <b>high-risk</b> systems | Policy Desk',
        'Jun 5, 2025 — Providers of <span class="highlight">high-risk</span> AI systems must run a risk-management system &amp; keep logs. They must also register the system.',
        4.5,
        '2025-06-05T00:00:00',
      ),
      result('https://news.example.com/eu-ai-act-timeline', 'When the EU AI Act applies - News Example', 'The obligations phase in between 2025 and 2027, starting with the bans on prohibited practices...', 3.1),
      result('https://research.example.net/ai-act-faq', 'AI Act FAQ', 'Conformity assessment comes before a high-risk system is placed on the market.', 2.2),
      result('https://policy.example.org/eu-ai-act/high-risk?utm_source=feed', 'Duplicate of the first result', 'Same page again.', 1.0),
      result('https://standards.example.org/harmonised-standards', 'Harmonised standards for the AI Act', '', 0.9),
      result('https://learn.example.com/ai-act-course', 'AI Act course', 'A short course.', 0.5),
      result('https://www.example.com/ai-act-overview', 'Overview', 'Overview page.', 0.4),
    ],
  },
  'dollar in euro': {
    results: [result('https://finance.example.com/usd-eur', 'USD to EUR', 'Live exchange rates.', 1.2)],
    answers: [{ answer: '1 US Dollar = 0.92 Euro', url: 'https://finance.example.com/usd-eur', engine: 'currency' }],
  },
  '2+2': { results: [], answers: ['4'] },
};

const FORBIDDEN_HTML =
  '<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n' +
  "<p>You don&#39;t have the permission to access the requested resource. It is either read-protected or not readable by the server.</p>\n";

export async function startSearxngFake(): Promise<SearxngFake> {
  let fault: SearxngFault | null = null;
  const seen: SearxngRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(url.searchParams);
    seen.push({ method: req.method ?? 'GET', path: url.pathname, params, headers: req.headers });
    const current = fault;
    if (current?.hang) return; // hold the socket open
    const reply = () => {
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (url.pathname !== '/search' && url.pathname !== '/') return send(404, 'text/html; charset=utf-8', '<h1>Not Found</h1>');
      if (current?.status) {
        const text = current.status === 429 ? 'Too Many Requests' : `<h1>${current.status}</h1>`;
        return send(current.status, current.status === 429 ? 'text/plain' : 'text/html; charset=utf-8', text);
      }
      const format = params.format ?? 'html';
      if (format !== 'json') return send(403, 'text/html; charset=utf-8', FORBIDDEN_HTML);
      const q = (params.q ?? '').trim();
      if (!q) return send(400, 'application/json', JSON.stringify({ error: 'No query' }));
      if (current?.badJson) return send(200, 'application/json', '{"query": "' + q.slice(0, 10));
      const key = Object.keys(FIXTURES).find((k) => q.toLowerCase().includes(k));
      const fixture = current?.enginesDown || !key ? { results: [] } : FIXTURES[key]!;
      const body = {
        query: q,
        number_of_results: 0,
        results: fixture.results,
        answers: fixture.answers ?? [],
        corrections: [],
        infoboxes: fixture.infoboxes ?? [],
        suggestions: [],
        unresponsive_engines: current?.enginesDown ? [['duckduckgo', 'timeout'], ['brave', 'too many requests']] : [],
      };
      send(200, 'application/json', JSON.stringify(body));
    };
    if (current?.latencyMs) setTimeout(reply, current.latencyMs);
    else reply();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFault: (f) => {
      fault = f;
    },
    requests: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // hung requests too
        server.close(() => resolve());
      }),
  };
}

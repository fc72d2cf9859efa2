/**
 * The published library on the BUILT server: browse, filter by topic, search with the same index and
 * ranking as the coach's `knowledge` provider, article pages, 404s, and escaping of user input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { getKnowledgeIndex, readKnowledgeCorpus, searchKnowledge } from '../../src/server/search/knowledge/index';

const corpus = readKnowledgeCorpus();
let s: AppServer;

beforeAll(async () => {
  s = await startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1000' });
});
afterAll(async () => {
  await s?.stop();
});

async function get(path: string) {
  const res = await s.fetch(path);
  return { res, html: await res.text() };
}
const listedSlugs = (html: string) => [...html.matchAll(/data-slug="([^"]+)"/g)].map((m) => m[1]!);
/** Text content only: attribute values removed (a quoted attribute cannot start an element). */
const withoutAttributes = (html: string) => html.replace(/="[^"]*"/g, '=""');

describe('/library', () => {
  it('lists every article (≥ 20), grouped by topic, with a search form that works without JavaScript', async () => {
    const { res, html } = await get('/library');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const slugs = listedSlugs(html);
    expect(slugs.length).toBeGreaterThanOrEqual(20);
    expect(new Set(slugs)).toEqual(new Set(corpus.map((d) => d.slug)));
    for (const slug of slugs) expect(html).toContain(`href="/library/${slug}"`);
    expect(html).toMatch(/<form[^>]*role="search"[^>]*method="get"[^>]*action="\/library"/);
    expect(html).toMatch(/<label[^>]*for="library-q"/);
    expect(html).toMatch(/<input[^>]*id="library-q"[^>]*name="q"/);
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain('aria-label="Topics"');
    expect(html).toContain('href="/library?topic=regulation"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // CSP: no inline scripts
  });

  it('search ranks the EU AI Act high-risk article first', async () => {
    const { res, html } = await get('/library?q=high-risk%20EU%20AI%20Act');
    expect(res.status).toBe(200);
    expect(listedSlugs(html)[0]).toBe('eu-ai-act-high-risk-systems');
    expect(html).toContain('Best match');
  });

  it('uses the same index and ranking as the coach', async () => {
    for (const q of ['what does the EU AI Act require for high-risk systems?', 'how should I report AI to the board', 'prompt injection risk']) {
      const { html } = await get(`/library?q=${encodeURIComponent(q)}`);
      const expected = searchKnowledge(getKnowledgeIndex(), q, { limit: 20 }).map((r) => r.slug);
      expect(listedSlugs(html), q).toEqual(expected);
    }
  });

  it('filters by topic, alone and with a query', async () => {
    const regulation = corpus.filter((d) => d.topic === 'regulation').map((d) => d.slug);
    const { html } = await get('/library?topic=regulation');
    expect(new Set(listedSlugs(html))).toEqual(new Set(regulation));
    expect(html).toMatch(/href="\/library\?topic=regulation"[^>]*aria-current="page"/);

    const searched = await get('/library?q=risk&topic=security');
    const slugs = listedSlugs(searched.html);
    expect(slugs.length).toBeGreaterThan(0);
    for (const slug of slugs) expect(corpus.find((d) => d.slug === slug)?.topic).toBe('security');
  });

  it('an unknown topic shows everything, with a notice', async () => {
    const { res, html } = await get('/library?topic=astrology');
    expect(res.status).toBe(200);
    expect(listedSlugs(html).length).toBe(corpus.length);
    expect(html).toMatch(/There is no topic called “astrology”/);
  });

  it('shows a helpful state when nothing matches', async () => {
    const { res, html } = await get('/library?q=zxqv%20blorptangle');
    expect(res.status).toBe(200);
    expect(listedSlugs(html)).toEqual([]);
    expect(html).toContain('No articles match');
    expect(html).toContain('href="/library?q=What%20does%20the%20EU%20AI%20Act');
  });

  it('escapes HTML in the query', async () => {
    const payload = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const { res, html } = await get(`/library?q=${encodeURIComponent(payload)}`);
    expect(res.status).toBe(200);
    const text = withoutAttributes(html);
    expect(text).not.toContain('<script>alert');
    expect(text).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert');
    // inside the input's value attribute the quote is escaped, so the attribute cannot be closed early
    expect(html).not.toMatch(/value="<script>alert\("x"\)/);
  });
});

describe('/library/<slug>', () => {
  it('renders the article: title, summary, metadata, contents, body, references, related, coach CTA', async () => {
    const doc = corpus.find((d) => d.slug === 'eu-ai-act-high-risk-systems')!;
    const { res, html } = await get('/library/eu-ai-act-high-risk-systems');
    expect(res.status).toBe(200);
    expect(html).toMatch(/<h1[^>]*>\s*The EU AI Act: what it requires for high-risk AI systems\s*<\/h1>/);
    expect(html).toContain(doc.summary);
    expect(html).toContain('<time datetime="2026-11-24"');
    expect(html).toMatch(/\d+ min read/);
    expect(html).toContain('On this page');
    expect(html).toMatch(/<h2 id="what-counts-as-high-risk"/);
    expect(html).toContain('href="#what-counts-as-high-risk"');
    // sources from the frontmatter, with their links
    expect(html).toContain('References');
    for (const source of doc.sources) {
      expect(html).toContain(source.title.replace(/&/g, '&amp;'));
      if (source.url) expect(html).toContain(`href="${source.url}"`);
    }
    expect(html).toContain('Related briefings');
    expect(html).toContain('href="/library/eu-ai-act-prohibited-practices-and-gpai"');
    expect(html).toContain('href="/coach"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('every article in the corpus is published', async () => {
    for (const doc of corpus) {
      const res = await s.fetch(`/library/${doc.slug}`);
      expect(res.status, doc.slug).toBe(200);
      await res.body?.cancel();
    }
  });

  it('an unknown slug is a 404 with the site 404 page', async () => {
    const { res, html } = await get('/library/no-such-article');
    expect(res.status).toBe(404);
    expect(html).toContain('That page is not on the agenda.');
  });
});

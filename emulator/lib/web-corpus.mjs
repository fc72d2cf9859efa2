// The emulator's fake "web": a small fixed corpus of realistic-sounding pages on reserved
// example.{com,org,net} hosts, and a deterministic keyword search over it (Responses web search, §8).
// Nothing here is a real citation.

/**
 * @typedef {{ id: string, url: string, title: string, keywords: string[], fact: string }} Page
 * @typedef {Page & { host: string, score: number }} Hit
 */

/** @type {readonly Page[]} */
export const CORPUS = Object.freeze([
  {
    id: 'eu-ai-act-high-risk',
    url: 'https://policy.example.org/eu-ai-act/high-risk-obligations',
    title: 'EU AI Act: obligations for high-risk AI systems',
    keywords: ['eu', 'europe', 'european', 'act', 'regulation', 'high', 'risk', 'obligations', 'conformity', 'assessment', 'compliance', 'provider', 'deployer'],
    fact: 'Under the EU AI Act, providers of high-risk AI systems must operate a risk-management system, keep technical documentation and logs, ensure human oversight and pass a conformity assessment before the system is placed on the market.',
  },
  {
    id: 'eu-ai-act-timeline',
    url: 'https://news.example.com/2026/eu-ai-act-application-timeline',
    title: 'When the EU AI Act applies: a timeline',
    keywords: ['eu', 'europe', 'european', 'act', 'timeline', 'deadline', 'deadlines', 'dates', 'when', 'application', 'enforcement', 'gpai', 'general', 'purpose'],
    fact: 'The EU AI Act applies in stages: the bans on prohibited practices came first, obligations for general-purpose AI models followed, and most high-risk requirements phase in over the next two to three years.',
  },
  {
    id: 'nist-ai-rmf',
    url: 'https://research.example.net/frameworks/nist-ai-rmf-overview',
    title: 'NIST AI Risk Management Framework at a glance',
    keywords: ['nist', 'rmf', 'risk', 'management', 'framework', 'govern', 'map', 'measure', 'manage', 'trustworthy', 'voluntary'],
    fact: 'The NIST AI Risk Management Framework organises AI risk work into four functions (Govern, Map, Measure and Manage) and is voluntary for organisations of any size.',
  },
  {
    id: 'iso-42001',
    url: 'https://standards.example.org/iso-iec-42001-ai-management-system',
    title: 'ISO/IEC 42001: AI management systems explained',
    keywords: ['iso', 'iec', '42001', 'standard', 'standards', 'certification', 'certified', 'management', 'system', 'audit'],
    fact: 'ISO/IEC 42001 sets requirements for an AI management system, so an organisation can have its AI governance processes audited and certified in much the same way as ISO/IEC 27001 for information security.',
  },
  {
    id: 'board-oversight',
    url: 'https://www.example.com/insights/board-oversight-of-ai',
    title: 'What boards should ask about AI',
    keywords: ['board', 'boards', 'director', 'directors', 'executive', 'executives', 'ceo', 'leadership', 'oversight', 'governance', 'accountability', 'strategy', 'questions'],
    fact: 'Boards are increasingly expected to assign clear accountability for AI, ask management for an inventory of material AI use cases and review AI risk alongside cyber and data-protection risk.',
  },
  {
    id: 'genai-productivity',
    url: 'https://research.example.net/studies/generative-ai-productivity',
    title: 'Generative AI and knowledge-worker productivity: what the studies show',
    keywords: ['generative', 'genai', 'gen', 'productivity', 'study', 'studies', 'knowledge', 'workers', 'roi', 'value', 'adoption', 'llm', 'copilot', 'chatgpt'],
    fact: 'Controlled studies of generative AI at work report the largest productivity gains on writing and summarising tasks, with smaller or even negative effects on tasks outside the models\' strengths.',
  },
  {
    id: 'gdpr-ai',
    url: 'https://privacy.example.org/gdpr-and-ai/personal-data-in-ai-systems',
    title: 'GDPR and AI: handling personal data in AI systems',
    keywords: ['gdpr', 'privacy', 'personal', 'data', 'protection', 'dpia', 'lawful', 'basis', 'training', 'minimisation', 'europe', 'european'],
    fact: 'When an AI system processes personal data, the GDPR still requires a lawful basis and data minimisation, and high-risk processing needs a data protection impact assessment (DPIA).',
  },
  {
    id: 'ai-literacy',
    url: 'https://learn.example.com/ai-literacy/training-programmes',
    title: 'Building AI literacy across the organisation',
    keywords: ['literacy', 'training', 'education', 'upskilling', 'employees', 'staff', 'programme', 'program', 'course', 'skills', 'learning'],
    fact: 'Organisations that deploy AI are expected to ensure an adequate level of AI literacy among their staff, and most do so with role-based training that starts with executives and covers risks as well as uses.',
  },
  {
    id: 'prompt-injection',
    url: 'https://security.example.net/llm/prompt-injection-defences',
    title: 'Prompt injection: risks and defences for LLM applications',
    keywords: ['prompt', 'injection', 'security', 'llm', 'attack', 'attacks', 'jailbreak', 'defence', 'defences', 'defense', 'agents', 'tools'],
    fact: 'Prompt injection lets untrusted content steer an LLM application, so defences combine least-privilege tool access, output filtering and human confirmation before consequential actions.',
  },
]);

const STOPWORDS = new Set(('a an and are as at be by can do does for from has have how i in is it its me my of on or '
  + 'our should that the their them there these this to us was we what when where which who why will with you your').split(' '));

/** Lower-case word tokens of a text without stopwords, in order, deduplicated. @param {string} text */
export function tokenize(text) {
  const out = [];
  for (const t of String(text).toLowerCase().split(/[^a-z0-9]+/)) if (t && !STOPWORDS.has(t) && !out.includes(t)) out.push(t);
  return out;
}

/** Host of a URL without a leading `www.`. @param {string} url */
export const displayHost = (url) => new URL(url).hostname.replace(/^www\./, '');

/** `example.org`, `https://Example.org/path` → `example.org` (scheme, path and `www.` dropped). @param {string} d */
export const normalizeDomain = (d) => String(d).trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/?#].*$/, '').replace(/^www\./, '');

/** Does `host` belong to one of `domains` (the domain itself or a subdomain)? @param {string} host @param {string[]} domains */
export function hostAllowed(host, domains) {
  const h = host.toLowerCase();
  return domains.map(normalizeDomain).some((d) => d && (h === d || h.endsWith(`.${d}`)));
}

/** Score of a page for the query tokens: distinct tokens found in its keywords or title (plural `s` ignored). */
function score(page, tokens) {
  const words = new Set([...page.keywords, ...tokenize(page.title)]);
  return tokens.filter((t) => words.has(t) || (t.length > 3 && t.endsWith('s') && words.has(t.slice(0, -1)))).length;
}

/**
 * Search the corpus. Pages are ranked by keyword overlap (ties keep corpus order); pages outside
 * `allowedDomains` (when given) are dropped. With no overlap at all, the allowed pages are returned in
 * corpus order with score 0, so a search always finds something unless the domain filter excludes everything.
 * @param {string} query @param {{ allowedDomains?: string[]|null, limit?: number }} [o]
 * @returns {Hit[]}
 */
export function searchCorpus(query, o = {}) {
  const tokens = tokenize(query);
  const domains = o.allowedDomains?.length ? o.allowedDomains : null;
  const pages = CORPUS.map((p) => ({ ...p, host: new URL(p.url).hostname, score: score(p, tokens) }))
    .filter((p) => !domains || hostAllowed(p.host, domains));
  const matched = pages.filter((p) => p.score > 0).sort((a, b) => b.score - a.score);
  return (matched.length ? matched : pages).slice(0, o.limit ?? 5);
}

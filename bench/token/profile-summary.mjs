/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `run.mjs --cpu-prof`): where the
 * process's CPU time went — cost centres of the token endpoint, then by package / source area and by
 * function. Idle time and module loading (startup) are left out of the percentages, which are shares
 * of the busy CPU while serving. With --cpu-ms-per-request (server CPU ÷ throughput, from the run's
 * JSON) the cost centres are also given in µs per request.
 *
 *   node bench/token/profile-summary.mjs <file.cpuprofile> [--top 25] [--cpu-ms-per-request 0.95]
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/token/profile-summary.mjs <file.cpuprofile> [--top N]');
const topFlag = process.argv.indexOf('--top');
const TOP = topFlag > 0 ? Number(process.argv[topFlag + 1]) : 25;
const perReqFlag = process.argv.indexOf('--cpu-ms-per-request');
const CPU_MS_PER_REQUEST = perReqFlag > 0 ? Number(process.argv[perReqFlag + 1]) : undefined;

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Self time per node: sum of sample intervals attributed to it.
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0; // delta i+1 is the duration of sample i
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const LOADING = /^(Module\._compile|Module\._load|compileSourceTextModule|moduleStrategy|link|instantiate|importModuleDynamically|loadESM|ModuleJob.*|requireBuiltin|compileForInternalLoader|wrapSafe)$/;
const isLoading = (id) => {
  for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) if (LOADING.test(byId.get(cur).callFrame.functionName)) return true;
  return false;
};
let idle = 0;
let loading = 0;
for (const [id, us] of [...self]) {
  const fn = byId.get(id).callFrame.functionName;
  if (fn === '(idle)') {
    idle += us;
    self.delete(id);
  } else if (isLoading(id)) {
    loading += us;
    self.delete(id);
  }
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

function area(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native / builtin)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dist = url.match(/dist\/server\/(.*)$/);
  if (dist) return `dist/server/${dist[1].replace(/_[A-Za-z0-9-]{8}\.mjs$/, '.mjs')}`;
  return url.replace(/^file:\/\/\/work\/main\//, '');
}

const areas = new Map();
const fns = new Map();
for (const [id, us] of self) {
  const { callFrame: cf } = byId.get(id);
  const a = area(cf.url, cf.functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${cf.functionName || '(anonymous)'}  ${area(cf.url, cf.functionName)}:${cf.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}

// Inclusive time per function name+file (counted once per stack, so recursion does not double count).
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const { callFrame: cf } = byId.get(cur);
    const key = `${cf.functionName || '(anonymous)'}  ${area(cf.url, cf.functionName)}:${cf.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}

// Cost centres of the token endpoint. The static-file probe is @astrojs/node's createStaticHandler:
// found by its source line in the built adapter chunk (the chunk name changes per build).
function staticHandlerLine(url) {
  try {
    const path = fileURLToPath(url);
    if (!existsSync(path)) return -1;
    const lines = readFileSync(path, 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('function createStaticHandler('));
    if (start < 0) return -1;
    const ret = lines.findIndex((l, i) => i > start && l.includes('return (req, res, ssr) =>'));
    return ret; // 0-based, like callFrame.lineNumber
  } catch {
    return -1;
  }
}
const staticLines = new Map();
const CONVERSION = new Set(['createRequest', 'writeResponse', 'makeRequestHeaders', 'makeRequestBody', 'createOutgoingHttpHeaders', 'cleanup', 'getHostnamePort']);
function costCentre(cf) {
  const a = area(cf.url, cf.functionName);
  const fn = cf.functionName;
  if (a === 'send' || a === 'http-errors' || a === 'toidentifier' || a === 'debug' || a === 'mime' || a === 'etag' || a === 'fresh' || a === 'range-parser' || a === 'depd' || a === 'statuses' || a === 'on-finished' || a === 'destroy' || a === 'encodeurl' || a === 'escape-html')
    return 'Astro node adapter: static-file probe on every request (lstat + send → ENOENT, then SSR)';
  if (a.includes('_@astrojs-ssr-adapter')) {
    if (!staticLines.has(cf.url)) staticLines.set(cf.url, staticHandlerLine(cf.url));
    if (cf.lineNumber === staticLines.get(cf.url)) return 'Astro node adapter: static-file probe on every request (lstat + send → ENOENT, then SSR)';
    if (CONVERSION.has(fn)) return 'Astro node adapter: Node req/res ↔ WHATWG Request/Response';
    return 'Astro: routing, render context, middleware pipeline';
  }
  if (a.startsWith('dist/server/chunks/client-ip') || a.startsWith('dist/server/chunks/astro/') || a === 'dist/server/entry.mjs' || a.startsWith('dist/server/chunks/path') || a.startsWith('dist/server/chunks/astro-designed') || a === 'dist/server/chunks/api-route.mjs' || a.startsWith('dist/server/pages/'))
    return 'Astro: routing, render context, middleware pipeline';
  if (a.includes('_astro-internal_middleware')) return fn === 'withFinalHeaders' ? 'app middleware: withFinalHeaders (copy Headers + new Response)' : 'app middleware: CORS, security headers, request metric';
  if (a === 'jose') return 'JWT signing (jose + WebCrypto) — in the baseline too';
  if (a === 'openai' || a === 'formdata-node' || a === 'agentkeepalive') return 'OpenAI SDK (request building, fetch, response parsing)';
  if (a === 'prom-client' || a === 'tdigest' || a === 'bintrees') return 'metrics (prom-client)';
  if (a === 'pino' || a === 'sonic-boom' || a === 'thread-stream' || a.startsWith('@pinojs') || a === 'fast-redact' || a === 'quick-format-unescaped' || a === 'atomic-sleep' || a === 'on-exit-leak-free')
    return 'logging (pino)';
  if (a === 'rate-limiter-flexible') return 'rate limits (rate-limiter-flexible)';
  if (a === 'zod' || a.startsWith('dist/server/chunks/json-body')) return 'request body read + zod validation';
  if (a.startsWith('dist/server/chunks/app-context')) return fn === 'jsonResponse' ? 'app: jsonResponse (JSON.stringify + new Response)' : 'app: token service, session registry, ids';
  if (a.startsWith('bench/token/bare-handler')) return 'baseline handler code (incl. fetch / JSON it calls)';
  if (a.startsWith('bench/token/')) return 'benchmark helper';
  return `other: ${a}`;
}

// Each sample charged to the nearest frame (leaf → root) that is not Node core or native: core work
// (WHATWG Request/Response/Headers in undici, crypto, fs) is charged to the code that asked for it.
const owners = new Map();
const centres = new Map();
const ownerAreas = new Map();
for (const [id, us] of self) {
  let key = '(node core only: http parser, sockets, timers, GC)';
  let ownerArea = key;
  let centre = 'node core only: HTTP parsing, sockets, timers, GC — in the baseline too';
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const { callFrame: cf } = byId.get(cur);
    if (cf.url && cf.url.startsWith('file://')) {
      ownerArea = area(cf.url, cf.functionName);
      key = `${cf.functionName || '(anonymous)'}  ${ownerArea}:${cf.lineNumber + 1}`;
      centre = costCentre(cf);
      break;
    }
  }
  owners.set(key, (owners.get(key) ?? 0) + us);
  ownerAreas.set(ownerArea, (ownerAreas.get(ownerArea) ?? 0) + us);
  centres.set(centre, (centres.get(centre) ?? 0) + us);
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const print = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
};
console.log(
  `${file}\n  ${(total / 1e6).toFixed(2)} s busy CPU analysed; left out: ${(idle / 1e6).toFixed(2)} s idle, ${(loading / 1e6).toFixed(2)} s module loading (startup)`,
);
console.log('\nCost centres (each sample charged to the nearest non-core frame; % of busy CPU' + (CPU_MS_PER_REQUEST ? `; µs/request from ${CPU_MS_PER_REQUEST} ms CPU/request` : '') + '):');
for (const [k, us] of [...centres].sort((a, b) => b[1] - a[1])) {
  const perReq = CPU_MS_PER_REQUEST ? `${((us / total) * CPU_MS_PER_REQUEST * 1000).toFixed(0).padStart(6)} µs  ` : '';
  console.log(`  ${pct(us)}  ${perReq}${k}`);
}
print('Self time by area (package or source file):', areas, TOP);
print('Self time by function:', fns, TOP);
print('Inclusive time by function:', inclusive, TOP);
print('Time charged to the nearest non-core area (package or file):', ownerAreas, TOP);
print('Time charged to the nearest non-core function:', owners, TOP);

/**
 * Lighthouse's accessibility audit of a page, run against the tests' own Chromium (the Debian build,
 * launched by playwright-core with a DevTools port so Lighthouse can drive it too). Storage is not reset,
 * so a page whose content lives in the browser (IndexedDB: the report page) can be seeded first through
 * the same browser profile.
 */
import { createServer } from 'node:net';
import lighthouse from 'lighthouse';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AccessibilityAudit {
  /** 0–100, as Lighthouse reports it. */
  score: number;
  /** The audits that did not pass, with the elements they flagged, for a readable failure. */
  failures: { id: string; title: string; items: string[] }[];
}

export async function accessibilityAudit(url: string, port: number): Promise<AccessibilityAudit> {
  const result = await lighthouse(url, {
    port,
    onlyCategories: ['accessibility'],
    disableStorageReset: true,
    logLevel: 'error',
    output: 'json',
    formFactor: 'desktop',
    screenEmulation: { mobile: false, width: 1280, height: 900, deviceScaleFactor: 1, disabled: false },
  });
  if (!result) throw new Error(`Lighthouse returned no result for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
  const category = lhr.categories.accessibility;
  const failures = (category?.auditRefs ?? [])
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit && audit.score !== null && audit.score < 1)
    .map((audit) => ({
      id: audit!.id,
      title: audit!.title,
      items: ((audit!.details as { items?: { node?: { snippet?: string } }[] } | undefined)?.items ?? []).map((i) => i.node?.snippet ?? '').slice(0, 5),
    }));
  return { score: Math.round((category?.score ?? 0) * 100), failures };
}

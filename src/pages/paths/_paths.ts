/**
 * The learning paths' data for the /paths pages: the `paths` collection (validated by Astro at build time,
 * including that every step names an existing article or scenario), in order, with each step resolved to
 * what the page shows: title, link, length, and for a scenario the way into the coach.
 *
 * Underscore-prefixed: Astro does not route this file.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import type { PathStepView } from '../../features/training/paths/path-view';
import { getLibrary, readingMinutes } from '../library/_library';
import { coachHref, getScenarios } from '../scenarios/_scenarios';

export type PathEntry = CollectionEntry<'paths'>;

let cached: Promise<readonly PathEntry[]> | undefined;

async function load(): Promise<readonly PathEntry[]> {
  const entries = await getCollection('paths');
  return entries.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id, 'en'));
}

/** Every path in order (`order`, then id). Loaded once per server process; every time in `astro dev`. */
export function getPaths(): Promise<readonly PathEntry[]> {
  if (import.meta.env.DEV) return load();
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/**
 * A path's steps as the pages show them. A step whose article or scenario has gone is dropped (the build
 * refuses such a path, so this only guards a half-edited tree in `astro dev`).
 */
export async function resolveSteps(path: PathEntry): Promise<PathStepView[]> {
  const [{ docs, entries }, scenarios] = await Promise.all([getLibrary(), getScenarios()]);
  const articles = new Map(entries.map((e) => [e.id, e]));
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  return path.data.steps.flatMap((step): PathStepView[] => {
    if (step.kind === 'article') {
      const article = articles.get(step.slug);
      if (!article) return [];
      const words = docs.get(step.slug)?.wordCount ?? 0;
      return [
        { kind: 'article', slug: step.slug, title: article.data.title, href: `/library/${step.slug}`, minutes: readingMinutes(words), why: step.why },
      ];
    }
    const scenario = byId.get(step.slug);
    if (!scenario) return [];
    return [
      {
        kind: 'scenario',
        slug: step.slug,
        title: scenario.data.title,
        href: `/scenarios/${step.slug}`,
        minutes: scenario.data.durationMinutes,
        why: step.why,
        startHref: coachHref(step.slug),
      },
    ];
  });
}

/** "5 articles and 3 scenarios". */
export function stepMix(steps: readonly { kind: string }[]): string {
  const articles = steps.filter((s) => s.kind === 'article').length;
  const scenarios = steps.length - articles;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [articles && part(articles, 'article'), scenarios && part(scenarios, 'scenario')].filter(Boolean).join(' and ');
}

/** "About 1 h 10 min", "About 45 min". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `About ${m} min` : m === 0 ? `About ${h} h` : `About ${h} h ${m} min`;
}

/**
 * Learning-path completion, kept in this browser (no accounts). Two sources:
 * - articles the user marked done, stored in localStorage under `PATH_PROGRESS_KEY` as
 *   `{"version":1,"articles":{"<slug>":<epoch ms when marked>}}`. Kept per article, not per path: an
 *   article read for one path counts in every path that lists it;
 * - scenarios, done once the practice history holds a session for them (never stored here: the history is
 *   the single source, so deleting or importing it changes the paths at once).
 *
 * Pure parse / serialise / status functions plus two small localStorage helpers. Parsing is forgiving
 * (a hand-edited or corrupted value yields no progress, never an error): it is the user's own data.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { PATH_PROGRESS_KEY } from './storage-keys';

export const PATH_PROGRESS_VERSION = 1;
/** More marks than the library could ever hold: anything beyond is dropped on parse. */
export const MAX_MARKED_ARTICLES = 500;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface PathProgress {
  /** Article slug → when it was marked done (epoch ms). */
  articles: Readonly<Record<string, number>>;
}

export type PathStepKind = 'article' | 'scenario';

export interface PathStepRef {
  kind: PathStepKind;
  slug: string;
}

export interface StepStatus extends PathStepRef {
  done: boolean;
  /** When: marked done (article) or the newest session (scenario). */
  at?: number;
}

export const EMPTY_PROGRESS: PathProgress = { articles: {} };

const isSlug = (value: unknown): value is string => typeof value === 'string' && value.length <= 100 && SLUG.test(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The stored string (or null when nothing is stored) → progress; anything unreadable counts as none. */
export function parsePathProgress(raw: string | null | undefined): PathProgress {
  if (!raw) return EMPTY_PROGRESS;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return EMPTY_PROGRESS;
  }
  if (typeof data !== 'object' || data === null) return EMPTY_PROGRESS;
  const { version, articles } = data as { version?: unknown; articles?: unknown };
  if (version !== PATH_PROGRESS_VERSION || typeof articles !== 'object' || articles === null || Array.isArray(articles)) return EMPTY_PROGRESS;
  const kept: Record<string, number> = {};
  let n = 0;
  for (const [slug, at] of Object.entries(articles)) {
    if (n >= MAX_MARKED_ARTICLES) break;
    if (isSlug(slug) && isTime(at)) {
      kept[slug] = at;
      n++;
    }
  }
  return { articles: kept };
}

export function serialisePathProgress(progress: PathProgress): string {
  return JSON.stringify({ version: PATH_PROGRESS_VERSION, articles: progress.articles });
}

/** Marks (or unmarks) an article as done; returns new progress, the old one is left as it was. */
export function setArticleDone(progress: PathProgress, slug: string, done: boolean, at: number = Date.now()): PathProgress {
  if (!isSlug(slug)) return progress;
  const { [slug]: _previous, ...rest } = progress.articles;
  return { articles: done ? { ...rest, [slug]: at } : rest };
}

/**
 * Each step's status: an article is done when marked; a scenario when `practised` (scenario id → newest
 * session time, from the history) has it.
 */
export function stepStatuses(steps: readonly PathStepRef[], progress: PathProgress, practised: ReadonlyMap<string, number>): StepStatus[] {
  return steps.map((step) => {
    const at = step.kind === 'article' ? progress.articles[step.slug] : practised.get(step.slug);
    return at === undefined ? { ...step, done: false } : { ...step, done: true, at };
  });
}

export function countDone(statuses: readonly StepStatus[]): number {
  return statuses.filter((s) => s.done).length;
}

/** "3 of 7 done". */
export function progressLabel(done: number, total: number): string {
  return `${done} of ${total} done`;
}

type ReadableStorage = Pick<Storage, 'getItem'>;
type WritableStorage = Pick<Storage, 'setItem'>;

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled by the browser's privacy settings
  }
}

export function readPathProgress(storage: ReadableStorage | undefined = defaultStorage()): PathProgress {
  try {
    return parsePathProgress(storage?.getItem(PATH_PROGRESS_KEY));
  } catch {
    return EMPTY_PROGRESS;
  }
}

/** Saves progress; false when the browser refuses (storage disabled or full), so the page can say so. */
export function writePathProgress(progress: PathProgress, storage: WritableStorage | undefined = defaultStorage()): boolean {
  if (!storage) return false;
  try {
    storage.setItem(PATH_PROGRESS_KEY, serialisePathProgress(progress));
    return true;
  } catch {
    return false;
  }
}

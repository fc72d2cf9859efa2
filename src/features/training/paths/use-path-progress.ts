/**
 * A learning path's completion in this browser, for the path islands: articles marked done (localStorage,
 * kept in step across tabs through the `storage` event) and scenarios practised (the history). Nothing is
 * known on the server, so `ready` is false until the first read after hydration: the islands render the
 * same markup as the server until then.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  EMPTY_PROGRESS,
  countDone,
  readPathProgress,
  setArticleDone,
  stepStatuses,
  writePathProgress,
  type PathProgress,
  type PathStepRef,
  type StepStatus,
} from '../../../lib/training/path-progress';
import { PATH_PROGRESS_KEY } from '../../../lib/training/storage-keys';
import { loadPractised } from './practised';

export interface PathProgressState {
  ready: boolean;
  statuses: StepStatus[];
  done: number;
  total: number;
  toggleArticle(slug: string, done: boolean): void;
  /** The browser refused to save the last change (storage disabled or full). */
  saveFailed: boolean;
  /** The practice history could not be read, so practised scenarios cannot be shown. */
  historyUnavailable: boolean;
}

export function usePathProgress(steps: readonly PathStepRef[]): PathProgressState {
  const [ready, setReady] = useState(false);
  const [progress, setProgress] = useState<PathProgress>(EMPTY_PROGRESS);
  const [practised, setPractised] = useState<ReadonlyMap<string, number>>(new Map());
  const [saveFailed, setSaveFailed] = useState(false);
  const [historyUnavailable, setHistoryUnavailable] = useState(false);
  const latest = useRef(progress);
  latest.current = progress;

  const scenarioKey = steps
    .filter((s) => s.kind === 'scenario')
    .map((s) => s.slug)
    .join(' ');

  useEffect(() => {
    let live = true;
    setProgress(readPathProgress());
    void loadPractised(scenarioKey ? scenarioKey.split(' ') : []).then((result) => {
      if (!live) return;
      setPractised(result.at);
      setHistoryUnavailable(result.unavailable);
      setReady(true);
    });
    // Another tab marked an article, or "Delete my data" cleared everything (key null).
    const onStorage = (event: StorageEvent) => {
      if (event.key === PATH_PROGRESS_KEY || event.key === null) setProgress(readPathProgress());
    };
    window.addEventListener('storage', onStorage);
    return () => {
      live = false;
      window.removeEventListener('storage', onStorage);
    };
  }, [scenarioKey]);

  const toggleArticle = useCallback((slug: string, done: boolean) => {
    const next = setArticleDone(latest.current, slug, done);
    setProgress(next);
    setSaveFailed(!writePathProgress(next));
  }, []);

  const statuses = useMemo(() => stepStatuses(steps, progress, practised), [steps, progress, practised]);
  return { ready, statuses, done: countDone(statuses), total: steps.length, toggleArticle, saveFailed, historyUnavailable };
}

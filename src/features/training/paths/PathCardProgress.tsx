/**
 * The progress bar on a /paths card (one small island per card, hydrated by mount-paths.tsx). Until the
 * browser's progress has been read it shows an empty track, so nothing jumps or claims "0 done" wrongly.
 *
 * Test hook: path-card-progress (the "3 of 7 done" text).
 */
import { ProgressMeter } from './ProgressMeter';
import type { PathCardProgressProps } from './path-view';
import { usePathProgress } from './use-path-progress';

export default function PathCardProgress({ title, steps }: PathCardProgressProps) {
  const { ready, done, total } = usePathProgress(steps);
  if (!ready) return <div aria-hidden="true" className="h-5" />;
  return <ProgressMeter title={title} done={done} total={total} testId="path-card-progress" />;
}

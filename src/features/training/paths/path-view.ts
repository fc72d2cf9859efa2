/**
 * What the learning-path islands receive from the server (serialised into the page, so plain JSON-safe
 * data only): a path's steps resolved to titles, links and lengths.
 */
import type { PathStepKind } from '../../../lib/training/path-progress';

export interface PathStepView {
  kind: PathStepKind;
  slug: string;
  title: string;
  /** The article (`/library/<slug>`) or the scenario's brief (`/scenarios/<slug>`). */
  href: string;
  /** Reading time, or the scenario's length. */
  minutes: number;
  why: string;
  /** Scenarios: straight into the coach with this scenario. */
  startHref?: string;
}

/** Props of the progress bar on a /paths card. */
export interface PathCardProgressProps {
  title: string;
  steps: Array<{ kind: PathStepKind; slug: string }>;
}

/** Props of the steps list on /paths/<slug>. */
export interface PathStepsProps {
  title: string;
  steps: PathStepView[];
}

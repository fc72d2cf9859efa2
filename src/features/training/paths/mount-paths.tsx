/**
 * Hydrates the learning-path islands from a bundled module script rather than `client:load` (the CSP
 * allows no inline script; see features/voice-agent/mount-coach-console.tsx): every
 * `[data-path-island]` element, with the props the server serialised into its `data-props`.
 * `data-path-island="card"` is a /paths card's progress bar; `"steps"` a path page's steps.
 */
import { createRoot, hydrateRoot } from 'react-dom/client';
import PathCardProgress from './PathCardProgress';
import PathSteps from './PathSteps';
import type { PathCardProgressProps, PathStepsProps } from './path-view';

export function mountPathIslands(): void {
  for (const container of document.querySelectorAll<HTMLElement>('[data-path-island]')) {
    if (container.dataset.mounted === 'true') continue;
    let props: unknown;
    try {
      props = JSON.parse(container.dataset.props ?? '');
    } catch {
      continue; // the server always writes valid JSON; a broken page keeps its server HTML
    }
    container.dataset.mounted = 'true';
    const app =
      container.dataset.pathIsland === 'steps' ? (
        <PathSteps {...(props as PathStepsProps)} />
      ) : (
        <PathCardProgress {...(props as PathCardProgressProps)} />
      );
    if (container.firstElementChild) hydrateRoot(container, app);
    else createRoot(container).render(app);
  }
}

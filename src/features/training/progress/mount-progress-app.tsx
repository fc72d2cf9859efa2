/**
 * Hydrates the server-rendered ProgressApp on /progress from a bundled module script rather than
 * `client:load` (the CSP allows no inline script; see features/voice-agent/mount-coach-console.tsx).
 */
import { createRoot, hydrateRoot } from 'react-dom/client';
import ProgressApp from './ProgressApp';

export const PROGRESS_ROOT_ID = 'progress-app';

export function mountProgressApp(): void {
  const container = document.getElementById(PROGRESS_ROOT_ID);
  if (!container || container.dataset.mounted === 'true') return;
  container.dataset.mounted = 'true';
  if (container.firstElementChild) hydrateRoot(container, <ProgressApp />);
  else createRoot(container).render(<ProgressApp />);
}

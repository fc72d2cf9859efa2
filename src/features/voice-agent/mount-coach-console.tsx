/**
 * Hydrates the server-rendered CoachConsole from a bundled module script, instead of Astro's
 * `client:load` island.
 *
 * Why not `client:load`: Astro renders every island together with two *inline* scripts (the
 * `astro-island` element and the `load` directive) and an inline `<style>`. The site's CSP is
 * `script-src 'self'` with no hashes or nonces, so those inline scripts are blocked and the island
 * would never hydrate. A processed `<script>` in coach.astro that imports this module is bundled into
 * /_assets/*.js and loaded with `<script type="module" src=…>`, which `script-src 'self'` allows.
 * Same result (server HTML first, then the same React tree hydrated on load), no inline code.
 */
import { createRoot, hydrateRoot } from 'react-dom/client';
import { parseSearchRouting } from '../../lib/voice-agent/api/search-endpoint';
import CoachConsole from './components/CoachConsole';
import { COACH_CONSOLE_ROOT_ID } from './constants';
import { parsePracticeData } from './practice-data';

export function mountCoachConsole(): void {
  const container = document.getElementById(COACH_CONSOLE_ROOT_ID);
  if (!container || container.dataset.mounted === 'true') return;
  container.dataset.mounted = 'true';
  // Where searches may go (set by the page from runtime config); anything unsafe in it is dropped.
  const searchRouting = parseSearchRouting(container.dataset.searchRouting);
  // The scenario the page validated (server-side); the server checks the id again when it mints.
  const scenarioId = container.dataset.scenario || undefined;
  // What the session is recorded as, and the titles its scorecard may link to (both from the page's content).
  const { practice, titles, brief } = parsePracticeData(container.dataset.practice);
  const app = <CoachConsole searchRouting={searchRouting} scenarioId={scenarioId} practice={practice} titles={titles} brief={brief} />;
  if (container.firstElementChild) hydrateRoot(container, app);
  else createRoot(container).render(app);
}

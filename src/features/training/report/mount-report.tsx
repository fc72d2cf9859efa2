/**
 * Hydrates the server-rendered ReportView from a bundled module script rather than Astro's `client:load`
 * (whose inline scripts the site's CSP `script-src 'self'` blocks: see mount-coach-console.tsx). The props
 * travel in the container's `data-report-props` as JSON, exactly as the server rendered with them.
 */
import { createRoot, hydrateRoot } from 'react-dom/client';
import { REPORT_ROOT_ID, ReportView, type ReportViewProps } from './ReportView';

const EMPTY: ReportViewProps = { id: null, articleTitles: {}, scenarioTitles: {}, assistantNames: {} };

function readProps(raw: string | undefined): ReportViewProps {
  try {
    const parsed = JSON.parse(raw ?? '') as Partial<ReportViewProps>;
    return { ...EMPTY, ...parsed, id: typeof parsed.id === 'string' ? parsed.id : null };
  } catch {
    // No props: still read `?id=` so the report opens (titles fall back to words).
    return { ...EMPTY, id: new URLSearchParams(window.location.search).get('id') };
  }
}

export function mountReport(): void {
  const container = document.getElementById(REPORT_ROOT_ID);
  if (!container || container.dataset.mounted === 'true') return;
  container.dataset.mounted = 'true';
  const app = <ReportView {...readProps(container.dataset.reportProps)} />;
  if (container.firstElementChild) hydrateRoot(container, app);
  else createRoot(container).render(app);
}

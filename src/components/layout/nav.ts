/** Site navigation, shared by the header (desktop + mobile menu) and the footer. */
export interface NavItem {
  label: string;
  href: string;
  /** Path that marks this item as the current page (anchors on the home page have none). */
  match?: string;
}

export const primaryNav: readonly NavItem[] = [
  { label: 'Home', href: '/', match: '/' },
  { label: 'How it works', href: '/#how-it-works' },
  { label: 'Scenarios', href: '/scenarios', match: '/scenarios' },
  { label: 'Paths', href: '/paths', match: '/paths' },
  { label: 'Library', href: '/library', match: '/library' },
  { label: 'Progress', href: '/progress', match: '/progress' },
  { label: 'Privacy', href: '/privacy', match: '/privacy' },
];

export const coachNav: NavItem = { label: 'Open the coach', href: '/coach', match: '/coach' };

/** `/coach/` and `/coach` are the same page; a section's sub-pages (`/library/<slug>`) belong to it. */
export function isCurrent(item: NavItem, pathname: string): boolean {
  if (!item.match) return false;
  const normalise = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const path = normalise(pathname);
  const match = normalise(item.match);
  return path === match || (match !== '/' && path.startsWith(`${match}/`));
}

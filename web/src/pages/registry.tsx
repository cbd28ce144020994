import { lazy } from 'react';
import type { PageDefinition } from './types';

export type { PageDefinition, PageProps } from './types';

/**
 * Every page of the dashboard, in navigation order. A capability puts its page in
 * web/src/pages/<capability>/ and gives its line here a `component` (or adds a line), loaded
 * lazily so each page is its own chunk; a line without a component shows a placeholder:
 *
 *   { id: 'leaks', path: '/leaks', title: { vi: 'Lộ lọt', en: 'Leaks' }, icon: 'leaks',
 *     component: lazy(() => import('./leaks/LeaksPage')) },
 */
export const pages: PageDefinition[] = [
  { id: 'overview', path: '/', title: { vi: 'Tổng quan', en: 'Overview' }, icon: 'overview', component: lazy(() => import('./overview/OverviewPage')) },
  {
    id: 'assessment',
    path: '/assessment',
    title: { vi: 'Đánh giá', en: 'Assessment' },
    icon: 'assessment',
    component: lazy(() => import('./assessment/AssessmentPage')),
  },
  { id: 'leaks', path: '/leaks', title: { vi: 'Lộ lọt', en: 'Leaks' }, icon: 'leaks', component: lazy(() => import('./leaks/LeaksPage')) },
  { id: 'watch', path: '/watch', title: { vi: 'Giám sát', en: 'Watch' }, icon: 'watch', component: lazy(() => import('./watch/WatchPage')) },
  { id: 'incidents', path: '/incidents', title: { vi: 'Sự cố', en: 'Incidents' }, icon: 'incidents' },
  { id: 'reports', path: '/reports', title: { vi: 'Báo cáo', en: 'Reports' }, icon: 'reports' },
  {
    id: 'admin',
    path: '/admin',
    title: { vi: 'Quản trị', en: 'Administration' },
    icon: 'settings',
    minRole: 'admin',
    component: lazy(() => import('./admin/AdminPage')),
  },
];

/** The page for a path: the longest registered path that is a prefix of it ('/' only matches itself). */
export function matchPage(path: string, list: PageDefinition[] = pages): { page: PageDefinition; subpath: string } | undefined {
  let best: PageDefinition | undefined;
  for (const page of list) {
    const matches = page.path === '/' ? path === '/' : path === page.path || path.startsWith(`${page.path}/`);
    if (matches && (!best || page.path.length > best.path.length)) best = page;
  }
  return best ? { page: best, subpath: best.path === '/' ? '' : path.slice(best.path.length) } : undefined;
}

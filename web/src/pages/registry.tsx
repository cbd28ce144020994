import { type ComponentType, createElement, lazy } from 'react';
import type { PageDefinition, PageProps } from './types';

export type { PageDefinition, PageProps } from './types';

/**
 * Every page of the dashboard, in navigation order. A capability puts its page in
 * web/src/pages/<capability>/ and gives its line here a `component` (or adds a line), loaded
 * lazily so each page is its own chunk; a line without a component shows a placeholder:
 *
 *   { id: 'leaks', path: '/leaks', title: { vi: 'Lộ lọt', en: 'Leaks' }, icon: 'leaks',
 *     component: lazyPage(() => import('./leaks/LeaksPage')) },
 */
/** A lazily loaded page that can be fetched ahead of its first render (see preloadPage). */
export type PreloadablePage = ComponentType<PageProps> & { preload: () => Promise<unknown> };

/**
 * Like React.lazy, but once the chunk has arrived the page renders at once: React.lazy suspends
 * on its first render even when the chunk is already loaded, and React then holds the fallback
 * for its 300 ms reveal throttle — most of a cold first visit (measured on the 10,000-monitor
 * board). App starts the current page's chunk while it asks who the user is.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType<PageProps> }>): PreloadablePage {
  let loaded: ComponentType<PageProps> | undefined;
  let pending: Promise<unknown> | undefined;
  const preload = () =>
    (pending ??= load().then((module) => {
      loaded = module.default;
      return module;
    }));
  const Lazy = lazy(() => preload().then(() => ({ default: loaded! })));
  // biome-ignore lint/correctness/noComponentHookFactories: called once per page when this module loads, never during a render
  const Page = (props: PageProps) => createElement(loaded ?? Lazy, props);
  Page.preload = preload;
  return Page;
}

/** Start loading the page for a path (no-op for placeholders and unknown paths); never rejects. */
export function preloadPage(path: string): Promise<void> {
  const component = matchPage(path)?.page.component as Partial<PreloadablePage> | undefined;
  return Promise.resolve(component?.preload?.())
    .then(() => undefined)
    .catch(() => undefined);
}

export const pages: PageDefinition[] = [
  { id: 'overview', path: '/', title: { vi: 'Tổng quan', en: 'Overview' }, icon: 'overview', component: lazyPage(() => import('./overview/OverviewPage')) },
  {
    id: 'assessment',
    path: '/assessment',
    title: { vi: 'Đánh giá', en: 'Assessment' },
    icon: 'assessment',
    component: lazyPage(() => import('./assessment/AssessmentPage')),
  },
  { id: 'leaks', path: '/leaks', title: { vi: 'Lộ lọt', en: 'Leaks' }, icon: 'leaks', component: lazyPage(() => import('./leaks/LeaksPage')) },
  { id: 'watch', path: '/watch', title: { vi: 'Giám sát', en: 'Watch' }, icon: 'watch', component: lazyPage(() => import('./watch/WatchPage')) },
  { id: 'incidents', path: '/incidents', title: { vi: 'Sự cố', en: 'Incidents' }, icon: 'incidents' },
  { id: 'reports', path: '/reports', title: { vi: 'Báo cáo', en: 'Reports' }, icon: 'reports' },
  {
    id: 'admin',
    path: '/admin',
    title: { vi: 'Quản trị', en: 'Administration' },
    icon: 'settings',
    minRole: 'admin',
    component: lazyPage(() => import('./admin/AdminPage')),
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

import type { ComponentType, LazyExoticComponent } from 'react';
import type { Role } from '../api';
import type { IconName } from '../components/Icon';

/** What every page component receives. */
export interface PageProps {
  /** The rest of the path below the page's own path: '/runs/42' on /assessment/runs/42, '' on /assessment. */
  subpath: string;
}

export interface PageDefinition {
  /** Stable id; also the i18n namespace for the page's own messages. */
  id: string;
  /** Where the page lives; deeper paths (/leaks/123) open the same page with a `subpath`. */
  path: string;
  /** Name in the navigation and the browser title. */
  title: { vi: string; en: string };
  icon: IconName;
  /** Least role that sees the page (default viewer). */
  minRole?: Role;
  /** Hide from the navigation (still reachable by path). */
  hidden?: boolean;
  /** The page; without one the shell shows a placeholder saying what the page will hold. */
  component?: ComponentType<PageProps> | LazyExoticComponent<ComponentType<PageProps>>;
}

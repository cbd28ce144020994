import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { Role } from '../../api';

/**
 * Tiles of the overview page (Tổng quan), in order. A capability adds one line pointing at its
 * panel component (a default export, usually a <Card>):
 *
 *   { id: 'leaks', component: lazy(() => import('../leaks/OverviewPanel')) },
 */
export interface OverviewPanelDefinition {
  /** The capability the panel belongs to (also hides that capability's line in the "coming" list). */
  id: 'assessment' | 'leaks' | 'watch' | 'incidents' | (string & {});
  minRole?: Role;
  component: ComponentType | LazyExoticComponent<ComponentType>;
}

export const overviewPanels: OverviewPanelDefinition[] = [
  { id: 'assessment', component: lazy(() => import('../assessment/OverviewPanel')) },
  // capabilities below, one line each
];

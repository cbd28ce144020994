import type { RouteModule } from '../route.js';
import { assessmentRoutes } from './assessment.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { leaksRoutes } from './leaks.js';
import { systemRoutes } from './system.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';
import { watchRoutes } from './watch.js';
import { watchBoardRoutes } from './watch-board.js';

/**
 * Every route module the API serves. A capability adds its module with one import and one line
 * at the end of this list (see docs/api.md).
 */
export const routeModules: RouteModule[] = [
  systemRoutes,
  authRoutes,
  userRoutes,
  tokenRoutes,
  auditRoutes,
  // capabilities below, one line each
  assessmentRoutes,
  watchRoutes,
  watchBoardRoutes,
  leaksRoutes,
];

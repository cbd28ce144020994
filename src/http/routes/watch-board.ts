import { z } from 'zod';
import { defineRoutes } from '../route.js';

/**
 * Dashboard helpers for the watch board that the main watch API (watch.ts) does not cover:
 * paused monitors are not loaded into the running watch, so the board's list (which reads the
 * running watch) cannot show them; this lists them so they can be found and resumed.
 */
export const watchBoardRoutes = defineRoutes((r) => {
  r.get({
    url: '/watch/paused',
    role: 'viewer',
    summary: 'Paused (disabled) monitors: not checked, not on the live board',
    tags: ['watch'],
    response: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), source: z.string(), updatedAt: z.string() })) }),
    handler: async ({ services }) => {
      const rows = await services.store.db
        .selectFrom('watch_monitors')
        .select(['id', 'name', 'type', 'source', 'updated_at'])
        .where('enabled', '=', 0)
        .orderBy('name')
        .limit(10_000)
        .execute();
      return { items: rows.map((row) => ({ id: row.id, name: row.name, type: row.type, source: row.source, updatedAt: row.updated_at })) };
    },
  });
});

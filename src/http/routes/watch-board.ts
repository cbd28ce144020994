import { z } from 'zod';
import { defineRoutes } from '../route.js';
import { defacementLevelOf, watchRuntime } from './watch.js';

/**
 * Dashboard helpers for the watch board that the main watch API (watch.ts) does not cover:
 *
 * - `GET /watch/board`: the board's rows as arrays of the few fields the list shows — about half
 *   the bytes of `GET /watch/monitors` (no keys, no tags object, no measured/changedAt), so 10,000
 *   monitors cost the server and the browser half the JSON work on the dashboard's first screen.
 * - `GET /watch/paused`: paused monitors are not loaded into the running watch, so the board's
 *   list cannot show them; this lists them so they can be found and resumed.
 */
const BOARD_COLUMNS = ['id', 'name', 'type', 'status', 'detail', 'responseMs', 'checkedAt', 'unit', 'defacement'] as const;

export const watchBoardRoutes = defineRoutes((r) => {
  r.get({
    url: '/watch/board',
    role: 'viewer',
    summary: 'Board rows, compact: `columns` names the fields of each row array (paged like /watch/monitors)',
    tags: ['watch'],
    query: z.object({
      offset: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(10_000).default(2_500),
    }),
    handler: async ({ services, query }) => {
      const watch = await watchRuntime(services);
      const monitors = watch.service.list();
      const rows = monitors.slice(query.offset, query.offset + query.limit).map((m) => {
        const state = watch.service.state(m.id);
        return [
          m.id,
          m.config.name,
          m.config.type,
          state.reported,
          state.detail,
          state.responseMs,
          state.checkedAt ? new Date(state.checkedAt).toISOString() : null,
          m.config.tags?.unit ?? null,
          defacementLevelOf(state.memory),
        ];
      });
      return { columns: BOARD_COLUMNS, total: monitors.length, offset: query.offset, rows };
    },
  });

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

import { sql } from 'kysely';
import { z } from 'zod';
import { defineRoutes } from '../route.js';

const entrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.unknown(),
});

export const auditRoutes = defineRoutes((r) => {
  r.get({
    url: '/audit',
    role: 'admin',
    summary: 'The audit log, newest first (page with ?before=<id of the last entry>)',
    tags: ['audit'],
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.coerce.number().int().positive().optional(),
      actor: z.string().max(200).optional(),
      action: z.string().max(200).optional(),
    }),
    response: z.object({ entries: z.array(entrySchema) }),
    handler: async ({ services, query }) => {
      let select = services.store.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
      if (query.before) select = select.where('id', '<', query.before);
      if (query.actor) select = select.where('actor', '=', query.actor);
      // `action=user.` lists every user change: a prefix match (substr is portable, LIKE escaping is not).
      if (query.action) select = select.where(sql<string>`substr(action, 1, ${query.action.length})`, '=', query.action);
      const rows = await select.execute();
      return {
        entries: rows.map((row) => ({ ...row, id: Number(row.id), detail: parseDetail(row.detail) })),
      };
    },
  });
});

function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
}

import { z } from 'zod';
import { buildOpenApiDocument } from '../openapi.js';
import { defineRoutes } from '../route.js';

const startedAt = Date.now();

export const systemRoutes = defineRoutes((r) => {
  r.get({
    url: '/health',
    role: 'public',
    summary: 'Liveness: answers while the server runs and its store is reachable',
    tags: ['system'],
    response: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }),
    handler: async ({ services }) => {
      await services.store.getSetting('health');
      return { status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
    },
  });

  r.get({
    url: '/openapi.json',
    role: 'public',
    summary: 'This OpenAPI 3.1 document: every route, its role and its schemas',
    tags: ['system'],
    handler: async ({ services }) => services.singleton('openapi', () => buildOpenApiDocument(services.routes)),
  });
});

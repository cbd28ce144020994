import { z } from 'zod';
import { defineRoutes } from '../route.js';
import { idParams, tokenSchema } from './schemas.js';

export const tokenRoutes = defineRoutes((r) => {
  r.get({
    url: '/tokens',
    role: 'admin',
    summary: 'All API tokens (never the secrets)',
    tags: ['tokens'],
    response: z.object({ tokens: z.array(tokenSchema) }),
    handler: async ({ services }) => ({ tokens: await services.auth.tokens.list() }),
  });

  r.post({
    url: '/tokens',
    role: 'admin',
    summary: 'Create an API token; the token is in this answer only',
    tags: ['tokens'],
    status: 201,
    body: z.strictObject({ name: z.string().min(1).max(100), user: z.string().min(1).max(200).optional() }),
    response: z.object({ token: z.string(), info: tokenSchema }),
    handler: async ({ services, body, user }) => services.auth.tokens.create({ name: body.name, user: body.user ?? user.id }, user.name),
  });

  r.delete({
    url: '/tokens/:id',
    role: 'admin',
    summary: 'Revoke an API token',
    tags: ['tokens'],
    params: idParams,
    handler: async ({ services, params, user }) => {
      await services.auth.tokens.revoke(params.id, user.name);
      return undefined;
    },
  });
});

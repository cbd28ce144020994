import { z } from 'zod';
import { defineRoutes } from '../route.js';
import { idParams, roleSchema, userSchema } from './schemas.js';

export const userRoutes = defineRoutes((r) => {
  r.get({
    url: '/users',
    role: 'admin',
    summary: 'All users',
    tags: ['users'],
    response: z.object({ users: z.array(userSchema) }),
    handler: async ({ services }) => ({ users: await services.auth.users.list() }),
  });

  r.post({
    url: '/users',
    role: 'admin',
    summary: 'Create a user',
    tags: ['users'],
    status: 201,
    body: z.strictObject({
      name: z.string().min(1).max(64),
      role: roleSchema,
      password: z.string().min(1).max(1024),
      displayName: z.string().max(200).nullable().optional(),
      locale: z.enum(['vi', 'en']).optional(),
    }),
    response: userSchema,
    handler: async ({ services, body, user }) => services.auth.users.create(body, user.name),
  });

  r.get({
    url: '/users/:id',
    role: 'admin',
    summary: 'One user (by id or name)',
    tags: ['users'],
    params: idParams,
    response: userSchema,
    handler: async ({ services, params }) => services.auth.users.get(params.id),
  });

  r.patch({
    url: '/users/:id',
    role: 'admin',
    summary: 'Change a user’s role, name, language, password, or disable them',
    tags: ['users'],
    params: idParams,
    body: z.strictObject({
      role: roleSchema.optional(),
      displayName: z.string().max(200).nullable().optional(),
      locale: z.enum(['vi', 'en']).optional(),
      disabled: z.boolean().optional(),
      password: z.string().min(1).max(1024).optional(),
    }),
    response: userSchema,
    handler: async ({ services, params, body, user }) => services.auth.users.update(params.id, body, user.name),
  });

  r.delete({
    url: '/users/:id',
    role: 'admin',
    summary: 'Remove a user with their sessions and tokens',
    tags: ['users'],
    params: idParams,
    handler: async ({ services, params, user }) => {
      await services.auth.users.remove(params.id, user.name);
      return undefined;
    },
  });

  r.post({
    url: '/users/:id/unlock',
    role: 'admin',
    summary: 'Lift a user’s sign-in lockout after failed passwords, from one address or from all',
    tags: ['users'],
    params: idParams,
    body: z.strictObject({ address: z.string().max(64).optional() }),
    response: z.object({ unlocked: z.number() }),
    handler: async ({ services, params, body, user }) => {
      // By name as typed at sign-in: the lockout also holds names that have no user (guesses).
      const target = await services.auth.users.get(params.id).then(
        (found) => found.name,
        () => params.id,
      );
      return { unlocked: await services.auth.unlock(target, body.address, user.name) };
    },
  });
});

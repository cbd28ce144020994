import { z } from 'zod';
import { VigilError } from '../../errors.js';
import { toUser } from '../../services/auth/users.js';
import { defineRoutes } from '../route.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../session-cookie.js';
import { userSchema } from './schemas.js';

const sessionSchema = z.object({
  user: userSchema,
  /** Send back as X-CSRF-Token on POST/PUT/PATCH/DELETE (cookie sessions only). */
  csrfToken: z.string().nullable(),
  via: z.enum(['session', 'token']),
});

export const authRoutes = defineRoutes((r) => {
  r.post({
    url: '/auth/login',
    role: 'public',
    summary: 'Sign in with name and password; sets the session cookie and returns the CSRF token',
    tags: ['auth'],
    body: z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(1024) }),
    response: sessionSchema.extend({ expiresAt: z.string() }),
    handler: async ({ body, services, request, reply }) => {
      const result = await services.auth.login(body.name, body.password, request.ip);
      setSessionCookie(request, reply, result.secret, services.auth.sessions.policy.idleMs);
      return { user: result.user, csrfToken: result.csrfToken, via: 'session' as const, expiresAt: result.expiresAt };
    },
  });

  r.post({
    url: '/auth/logout',
    role: 'viewer',
    summary: 'End this browser session',
    tags: ['auth'],
    handler: async ({ services, request, reply, user }) => {
      const secret = readSessionCookie(request);
      if (secret && user.via === 'session') await services.auth.logout(secret, user.name);
      clearSessionCookie(request, reply);
      return undefined;
    },
  });

  r.get({
    url: '/auth/me',
    role: 'viewer',
    summary: 'Who is signed in, and the CSRF token of this session',
    tags: ['auth'],
    response: sessionSchema,
    handler: async ({ services, user, request }) => {
      const row = await services.auth.users.findRowById(user.id);
      if (!row) throw new VigilError('auth.no-user', 'the signed-in user no longer exists', { status: 401 });
      return { user: toUser(row), csrfToken: request.csrfToken ?? null, via: user.via };
    },
  });

  r.patch({
    url: '/auth/me',
    role: 'viewer',
    summary: 'Change your own display name or language',
    tags: ['auth'],
    body: z.strictObject({ displayName: z.string().max(200).nullable().optional(), locale: z.enum(['vi', 'en']).optional() }),
    response: userSchema,
    handler: async ({ services, user, body }) => services.auth.users.update(user.id, body, user.name),
  });

  r.post({
    url: '/auth/password',
    role: 'viewer',
    summary: 'Change your own password (ends your other sessions); 5 attempts per 15 minutes, audited',
    tags: ['auth'],
    body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
    handler: async ({ services, user, body, request, reply }) => {
      await services.auth.changePassword(user.id, body.currentPassword, body.newPassword, request.ip);
      // Changing the password ended every session, this one too: open a fresh one for the caller.
      if (user.via === 'session') {
        const session = await services.auth.sessions.create(user.id);
        setSessionCookie(request, reply, session.secret, services.auth.sessions.policy.idleMs);
        return { csrfToken: session.csrfToken };
      }
      return { csrfToken: null };
    },
  });
});

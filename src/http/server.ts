import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoadedConfig } from '../config/load.js';
import { buildProbeContext } from '../config/probe-context.js';
import { errorJson, isVigilError, VigilError } from '../errors.js';
import { InProcessJobQueue } from '../jobs/in-process.js';
import type { JobQueue } from '../jobs/queue.js';
import type { ProbeContext } from '../probes/context.js';
import { type AuthOptions, AuthService } from '../services/auth/auth-service.js';
import { dummyPasswordHash } from '../services/auth/passwords.js';
import type { Store } from '../store/store.js';
import type { UsersTable } from '../store/schema.js';
import { type AuthUser, RawResponse, type RouteContext, type RouteDefinition, type RouteModule, roleAllows } from './route.js';
import { routeModules } from './routes/index.js';
import { createServices, type HttpServices } from './services.js';
import { CSRF_HEADER, readSessionCookie, setSessionCookie } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    vigilUser?: AuthUser;
    /** The session's CSRF token (cookie sessions only). */
    csrfToken?: string;
    /**
     * Checks again that the caller is still signed in with a role the route allows: the time
     * (ms since epoch) until which that holds, or false. Long-lived event streams call it.
     */
    vigilRecheck?: () => Promise<number | false>;
  }
}

export const API_PREFIX = '/api/v1';

/** Sent on every response, including static files, errors and event streams. */
export const SECURITY_HEADERS: Record<string, string> = {
  // Scripts only from our own origin (Vite emits external module scripts, no inline ones). Inline
  // styles stay allowed: React and echarts set style attributes, which carry no script.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** A module-level starter (watch, schedulers …): runs at start, returns its stop function. */
export type ServerStarter = (services: HttpServices) => Promise<() => Promise<void>>;

export interface ServerOptions {
  store: Store;
  config: LoadedConfig;
  /** Probe settings for assessment runs and the watch; default: built from `config` (its network: section). */
  probe?: ProbeContext;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default: an in-process queue on `store`, started and stopped with the server. */
  jobs?: JobQueue;
  /** Default: every module in routes/index.ts. */
  modules?: RouteModule[];
  /** Started after the route modules' own starters (e.g. the watch scheduler); stopped at close. */
  extraStarters?: ServerStarter[];
  /** The built dashboard; default <repo>/web/dist. `false` serves no dashboard. */
  webRoot?: string | false;
  auth?: AuthOptions;
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For names the client
   * (`vigil serve --trust-proxy`); X-Forwarded-* from anyone else is ignored. Default: none.
   */
  trustProxy?: readonly string[];
  /** Log warnings and errors to stderr (default off: tests stay quiet). */
  logger?: boolean;
}

export interface RunningServer {
  url: string;
  /** Every route Fastify registered (method, url), including HEAD twins and static files. */
  registeredRoutes: { method: string; url: string }[];
  app: FastifyInstance;
  services: HttpServices;
  close(): Promise<void>;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

function toAuthUser(row: UsersTable, via: AuthUser['via']): AuthUser {
  return { id: row.id, name: row.name, role: row.role, displayName: row.display_name, locale: row.locale, via };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Authentication, role and CSRF, run before the body is read (an anonymous caller costs no parsing). */
function guard(route: RouteDefinition, services: HttpServices) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('cache-control', 'no-store');
    if (route.role === 'public') return;
    const authorization = request.headers.authorization;
    let user: AuthUser | undefined;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const row = match ? await services.auth.authenticateToken(match[1]!) : undefined;
      if (!row) throw new VigilError('auth.bad-token', 'the API token is unknown, revoked, or its user is disabled', { status: 401 });
      user = toAuthUser(row, 'token');
      const token = match![1]!;
      request.vigilRecheck = async () => {
        const current = await services.auth.authenticateToken(token);
        return current && roleAllows(current.role, route.role) ? Number.POSITIVE_INFINITY : false;
      };
    } else {
      const secret = readSessionCookie(request);
      const session = secret ? await services.auth.sessions.authenticate(secret) : undefined;
      if (session && secret) {
        user = toAuthUser(session.user, 'session');
        if (session.renewed) setSessionCookie(request, reply, secret, Date.parse(session.expiresAt) - Date.now());
        request.csrfToken = session.csrfToken;
        request.vigilRecheck = async () => {
          const current = await services.auth.sessions.peek(secret);
          return current && roleAllows(current.role, route.role) ? current.until : false;
        };
        if (STATE_CHANGING.has(request.method)) {
          const sent = request.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
            throw new VigilError('auth.csrf', 'this change needs the X-CSRF-Token header of your session', {
              status: 403,
              hint: 'send the csrfToken from POST /api/v1/auth/login or GET /api/v1/auth/me as X-CSRF-Token',
            });
          }
        }
      }
    }
    if (!user) {
      throw new VigilError('auth.required', 'sign in first, or send an API token', {
        status: 401,
        hint: 'POST /api/v1/auth/login, or Authorization: Bearer vgl_…',
      });
    }
    if (!roleAllows(user.role, route.role)) {
      throw new VigilError('auth.forbidden', `this needs the ${route.role} role; ${user.name} is ${user.role}`, { status: 403 });
    }
    request.vigilUser = user;
  };
}

function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new VigilError('request.invalid', `invalid ${where}: ${z.prettifyError(result.error).replace(/\n/g, '; ')}`, {
    status: 400,
    hint: 'see /api/v1/openapi.json for the expected shape',
  });
}

/** Bound a raw upload: fail the stream once it passes `limit` bytes. */
function limitStream(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new VigilError('request.too-large', `the upload exceeds ${limit} bytes`, { status: 413 }));
      else callback(null, chunk);
    },
  });
}

function handlerFor(route: RouteDefinition, services: HttpServices) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const params = route.params ? validate(route.params, request.params, 'path parameters') : request.params;
    const query = route.query ? validate(route.query, request.query, 'query') : request.query;
    let body: unknown;
    const isStream = typeof (request.body as { pipe?: unknown } | undefined)?.pipe === 'function';
    if (route.upload) {
      if (!isStream) throw new VigilError('request.media-type', 'send the upload as raw bytes (e.g. application/octet-stream), not JSON', { status: 415 });
      body = (request.body as NodeJS.ReadableStream).pipe(limitStream(route.bodyLimit ?? 1024 * 1024));
    } else if (isStream) {
      throw new VigilError('request.media-type', `this route takes application/json, not ${request.headers['content-type'] ?? 'no content type'}`, {
        status: 415,
      });
    } else if (route.body) {
      body = validate(route.body, request.body ?? {}, 'body');
    }
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const user = request.vigilUser;
    const context: RouteContext = {
      params,
      query,
      body,
      user: user as AuthUser,
      services,
      request,
      reply,
      signal: controller.signal,
      audit: (action, target, detail) => services.store.audit(user?.name ?? `ip:${request.ip}`, action, target, detail),
    };
    const result = await route.handler(context);
    if (result instanceof RawResponse) {
      if (result.kind === 'hijacked') return reply;
      reply.code(result.status).headers(result.headers);
      return reply.send(result.body);
    }
    if (result === undefined) return reply.code(204).send();
    let output: unknown = result;
    if (route.response) {
      const checked = route.response.safeParse(result);
      if (!checked.success) {
        request.log.error({ route: `${route.method} ${route.url}`, issues: checked.error.issues }, 'response does not match its schema');
        throw new VigilError('internal.response-shape', `the server built an answer that does not match ${route.method} ${route.url}'s response schema`, {
          status: 500,
        });
      }
      output = checked.data;
    }
    return reply.code(route.status ?? 200).send(output as object);
  };
}

/** Map anything thrown to `{error, message, hint?}` with the right status; never leak internals. */
function errorBody(error: unknown, request: FastifyRequest): { status: number; body: Record<string, unknown> } {
  if (isVigilError(error)) return { status: error.status, body: error.toJSON() };
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, body: errorJson('request.too-large', 'the request body is too large') };
  }
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, body: errorJson('request.media-type', 'unsupported content type; send application/json') };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, body: errorJson('request.invalid', fastifyError.message) };
  }
  request.log.error({ err: error }, 'unexpected error');
  return { status: 500, body: errorJson('internal', 'an unexpected error happened; the server log has the details') };
}

/**
 * Build the Fastify app with every route module, without listening (tests may `inject`).
 */
export async function buildApp(
  options: ServerOptions,
): Promise<{ app: FastifyInstance; services: HttpServices; ownsJobs: boolean; registeredRoutes: { method: string; url: string }[] }> {
  const app = Fastify({
    logger: options.logger ? { level: 'warn', stream: process.stderr } : false,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    // Hijacked event streams are ended by our preClose hook; idle keep-alive sockets close at once.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  const modules = options.modules ?? routeModules;
  const routes = modules.flatMap((module) => module.routes);
  const ownsJobs = options.jobs === undefined;
  const services = createServices({
    store: options.store,
    config: options.config,
    probe: options.probe ?? buildProbeContext({ config: options.config }),
    jobs: options.jobs ?? new InProcessJobQueue(options.store),
    dataDir: options.store.dataDir,
    auth: new AuthService(options.store, options.auth),
    log: app.log,
    routes,
    securityHeaders: SECURITY_HEADERS,
  });

  // Fastify's own route list, so tests can check every route however it was added.
  const registeredRoutes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });

  await app.register(fastifyCookie);
  // Raw uploads: any non-JSON body reaches the handler as a stream (routes with upload: true).
  // Fastify's text/plain parser would hand routes a string: treat text like any other raw upload.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.addHook('preClose', async () => {
    for (const close of [...services.openStreams]) close();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorBody(error, request);
    if (status === 429) reply.header('retry-after', '60');
    reply.code(status).send(body);
  });

  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    if (seen.has(key)) throw new Error(`route ${key} is defined twice`);
    seen.add(key);
    app.route({
      method: route.method,
      url: `${API_PREFIX}${route.url}`,
      bodyLimit: route.bodyLimit ?? 1024 * 1024,
      onRequest: guard(route, services),
      handler: handlerFor(route, services),
    });
  }

  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  const hasDashboard = webRoot !== false && existsSync(resolve(webRoot, 'index.html'));
  if (hasDashboard) {
    await app.register(fastifyStatic, {
      root: resolve(webRoot),
      prefix: '/',
      index: ['index.html'],
      setHeaders: (res, path) => {
        // Vite puts a content hash in every asset name: cache those for good, never index.html.
        res.setHeader('cache-control', path.includes(`${'/'}assets${'/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><title>vigil</title><p>vigil API is running. The dashboard is not built: run <code>npm run build</code>.</p>',
        ),
    );
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The dashboard routes in the browser: /leaks/123 is index.html's business, not a 404.
    const isApi = path === '/api' || path.startsWith('/api/');
    if (hasDashboard && (request.method === 'GET' || request.method === 'HEAD') && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send(errorJson('api.not-found', `no route ${request.method} ${path}`));
  });

  return { app, services, ownsJobs, registeredRoutes };
}

/**
 * Start the API and dashboard: run the module starters and `extraStarters`, start the job queue,
 * listen. `close()` stops everything in reverse order.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app, services, ownsJobs, registeredRoutes } = await buildApp(options);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        app.log.error({ err: error }, 'a starter failed to stop');
      }
    }
    stops.length = 0;
  };
  try {
    for (const module of options.modules ?? routeModules) {
      for (const starter of module.starters) {
        const stop = await starter(services);
        if (stop) stops.push(stop);
      }
    }
    for (const starter of options.extraStarters ?? []) stops.push(await starter(services));
    if (ownsJobs) {
      await services.jobs.start();
      stops.unshift(() => services.jobs.stop(5_000));
    }
    // Compute the stand-in hash for unknown user names now, so the first such login is not
    // measurably slower than a wrong password (which would tell who exists).
    await dummyPasswordHash();
    const purge = setInterval(() => {
      void services.auth.sessions.purgeExpired().catch(() => undefined);
      void services.auth.lockout.purge().catch(() => undefined);
    }, 3600_000);
    purge.unref();
    stops.unshift(async () => clearInterval(purge));

    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  } catch (error) {
    await app.close().catch(() => undefined);
    await stopAll();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new VigilError('serve.port-in-use', `port ${options.port} on ${options.host ?? '127.0.0.1'} is already in use`, {
        hint: 'stop the other program or choose another port with --port',
      });
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  const host = options.host ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  services.baseUrl = url;
  let closing: Promise<void> | undefined;
  return {
    url,
    registeredRoutes,
    app,
    services,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await stopAll();
      })();
      return closing;
    },
  };
}

import type { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { LoadedConfig } from '../config/load.js';
import type { JobQueue } from '../jobs/queue.js';
import type { ProbeContext } from '../probes/context.js';
import type { AuthService } from '../services/auth/auth-service.js';
import type { Store } from '../store/store.js';
import type { Role } from '../services/auth/roles.js';

/**
 * The route contract every capability uses to add API endpoints.
 *
 *   // src/http/routes/assessment.ts
 *   export const assessmentRoutes = defineRoutes((r) => {
 *     r.get({
 *       url: '/assessment/runs/:id',            // under /api/v1, Fastify path syntax
 *       role: 'viewer',                          // least role allowed: viewer < analyst < admin
 *       summary: 'One assessment run', tags: ['assessment'],
 *       params: z.object({ id: z.string() }),
 *       response: runSchema,
 *       handler: async ({ params, services }) => new AssessmentService(services.store).run(params.id),
 *     });
 *   });
 *
 * and one line in routes/index.ts. The server does the rest: authentication (session cookie or
 * bearer token) and the role check before the body is even parsed, CSRF for cookie sessions on
 * state-changing methods, zod validation of params/query/body (400 `request.invalid`), output
 * validation against `response` (which also strips fields the schema does not list), error
 * mapping (VigilError → its status and `{error, message, hint?}`), and the OpenAPI document.
 */

/** Who may call a route. Roles are ordered: admin > analyst > viewer (defined once, in services/auth/roles.ts). */
export type { Role };
/** `public` is reserved for health, openapi, login and heartbeat calls (by their secret token); the API test fails on any other public route. */
export type RouteAccess = Role | 'public';

export const ROLE_RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

/** True when a user holding `held` may call a route needing `needed`. */
export function roleAllows(held: Role, needed: RouteAccess): boolean {
  return needed === 'public' || ROLE_RANK[held] >= ROLE_RANK[needed];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The authenticated caller. */
export interface AuthUser {
  id: string;
  name: string;
  role: Role;
  displayName: string | null;
  locale: string;
  /** How the request authenticated: a browser session (cookie) or an API token. */
  via: 'session' | 'token';
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : unknown;

export interface RouteContext<P = unknown, Q = unknown, B = unknown, A extends RouteAccess = RouteAccess> {
  params: P;
  query: Q;
  /** The validated JSON body; for `upload: true` routes, the raw request stream instead. */
  body: B;
  /** The caller; undefined only on public routes. */
  user: A extends 'public' ? AuthUser | undefined : AuthUser;
  services: HttpServices;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Append to the audit log as the caller: `await audit('assessment.start', runId, { domains })`. */
  audit(action: string, target?: string | null, detail?: unknown): Promise<void>;
  /** Aborted when the client goes away or the server shuts down (pass it to long work). */
  signal: AbortSignal;
}

export interface RouteSpec<
  A extends RouteAccess = RouteAccess,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
> {
  /** Path under /api/v1, e.g. `/leaks/:id`. */
  url: string;
  role: A;
  /** One line for the OpenAPI document (English). */
  summary: string;
  description?: string;
  tags?: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Success body schema: documents the route and is enforced (extra fields are stripped). */
  response?: R;
  /** Success status (default 200; 204 when the handler returns undefined). */
  status?: number;
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Accept a raw upload instead of JSON (any content type but JSON, e.g. application/octet-stream
   * or text/csv): read it with `uploadStream(context)`. `bodyLimit` still bounds its size.
   */
  upload?: boolean;
  handler: (context: RouteContext<Out<P>, Out<Q>, B extends Schema ? Out<B> : unknown, A>) => Promise<In<R> | RawResponse | undefined>;
}

/** A route as stored in the registry (generic parameters erased). */
export interface RouteDefinition {
  method: HttpMethod;
  url: string;
  role: RouteAccess;
  summary: string;
  description?: string;
  tags: string[];
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response?: Schema;
  status?: number;
  bodyLimit?: number;
  upload?: boolean;
  handler: (context: RouteContext) => Promise<unknown>;
}

/** Work a module needs done once when the server starts (register job handlers, subscribe to events …). */
export type ModuleStarter = (services: HttpServices) => Promise<(() => Promise<void>) | undefined> | (() => Promise<void>) | undefined;

export interface RouteModule {
  routes: RouteDefinition[];
  starters: ModuleStarter[];
}

type Adder = <
  A extends RouteAccess,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(
  spec: RouteSpec<A, P, Q, B, R>,
) => void;

export interface RouteBuilder {
  get: Adder;
  post: Adder;
  put: Adder;
  patch: Adder;
  delete: Adder;
  /** Run `start(services)` when the server starts; it may return a stop function run at close. */
  onStart(start: ModuleStarter): void;
}

export function defineRoutes(build: (r: RouteBuilder) => void): RouteModule {
  const module: RouteModule = { routes: [], starters: [] };
  const adder =
    (method: HttpMethod): Adder =>
    (spec) => {
      if (!spec.url.startsWith('/')) throw new Error(`route url must start with "/": ${spec.url}`);
      module.routes.push({ ...(spec as unknown as RouteDefinition), method, tags: spec.tags ?? [] });
    };
  build({
    get: adder('GET'),
    post: adder('POST'),
    put: adder('PUT'),
    patch: adder('PATCH'),
    delete: adder('DELETE'),
    onStart: (start) => module.starters.push(start),
  });
  return module;
}

/** The request body of an `upload: true` route, as a stream of bytes. */
export function uploadStream(context: RouteContext): Readable {
  const body = context.body as Readable | undefined;
  if (!body || typeof body.pipe !== 'function') throw new Error('uploadStream() is only for routes declared with upload: true');
  return body;
}

/** Raw (non-JSON) responses: downloads, streams, and server-sent events. Return one from a handler. */
export class RawResponse {
  constructor(
    readonly kind: 'body' | 'hijacked',
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer | string | Readable | undefined,
  ) {}
}

/**
 * A file download (XLSX, PDF, CSV …). `filename` may hold Vietnamese letters: it is sent both as
 * an ASCII fallback and RFC 5987 `filename*`.
 */
export function download(options: { body: Buffer | string | Readable; contentType: string; filename: string; inline?: boolean }): RawResponse {
  const ascii = options.filename
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const disposition = `${options.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.filename)}`;
  return new RawResponse('body', 200, { 'content-type': options.contentType, 'content-disposition': disposition }, options.body);
}

/** Any other raw body (text, a stream) with your own status and headers. */
export function rawResponse(options: {
  body?: Buffer | string | Readable;
  contentType?: string;
  status?: number;
  headers?: Record<string, string>;
}): RawResponse {
  const headers = { ...(options.headers ?? {}) };
  if (options.contentType) headers['content-type'] = options.contentType;
  return new RawResponse('body', options.status ?? 200, headers, options.body);
}

export interface EventStream {
  /** Send one event; `data` is JSON-encoded. Returns false once the stream is closed. */
  send(event: string, data: unknown, id?: string): boolean;
  /** Send a comment line (keeps proxies from closing an idle stream). */
  comment(text: string): void;
  /** Resolves when the client disconnects or the server closes. */
  readonly closed: Promise<void>;
  readonly signal: AbortSignal;
  close(): void;
}

/**
 * Server-sent events (`text/event-stream`), e.g. the live status board:
 *
 *   handler: async (ctx) => serverSentEvents(ctx, async (events) => {
 *     events.send('board', await board.snapshot());
 *     const off = board.onChange((snapshot) => events.send('board', snapshot));
 *     await events.closed;
 *     off();
 *   }),
 *
 * A heartbeat comment goes out every 15 s; the stream ends when the client leaves or the server
 * closes, and when its caller is no longer signed in: on every logout, disabled user, changed
 * password or revoked token (AuthService `revoked`), at the session's expiry, and every
 * `recheckMs` (30 s) for changes made by another process (`vigil user disable`). It then sends
 * `signed-out` and ends. In the browser: `new EventSource('/api/v1/watch/stream')` (the session cookie is sent).
 */
export function serverSentEvents(
  context: RouteContext,
  run: (events: EventStream) => Promise<void>,
  options: { heartbeatMs?: number; recheckMs?: number } = {},
): RawResponse {
  const { reply, request, services } = context;
  const raw = reply.raw;
  reply.hijack();
  const headers: Record<string, string> = {
    ...services.securityHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  };
  raw.writeHead(200, headers);
  raw.write(': open\n\n');
  const controller = new AbortController();
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    clearTimeout(recheckTimer);
    services.auth.events.off('revoked', onRevoked);
    controller.abort();
    services.openStreams.delete(close);
    if (!raw.writableEnded) raw.end();
    resolveClosed();
  };
  const heartbeat = setInterval(() => open && raw.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  // A stream outlives the request that authenticated it: check the caller again when sign-ins
  // may have changed, at the session's end, and now and then.
  const recheck = request.vigilRecheck;
  const recheckMs = options.recheckMs ?? 30_000;
  let recheckTimer: NodeJS.Timeout | undefined;
  const verify = async (): Promise<void> => {
    if (!open || !recheck) return;
    let until: number | false;
    try {
      until = await recheck();
    } catch {
      until = Date.now() + recheckMs; // the store hiccupped: try again later rather than drop the board
    }
    if (!open) return;
    if (until === false || until <= Date.now()) {
      raw.write('event: signed-out\ndata: null\n\n');
      close();
      return;
    }
    clearTimeout(recheckTimer);
    recheckTimer = setTimeout(() => void verify(), Math.max(1_000, Math.min(until - Date.now(), recheckMs)));
    recheckTimer.unref();
  };
  const onRevoked = () => void verify();
  if (recheck) {
    services.auth.events.on('revoked', onRevoked);
    void verify(); // arms the timer at the session's end (or recheckMs)
  }
  services.openStreams.add(close);
  raw.on('close', close);
  raw.on('error', close);
  const stream: EventStream = {
    send(event, data, id) {
      if (!open) return false;
      const lines = JSON.stringify(data ?? null);
      raw.write(`${id ? `id: ${id}\n` : ''}event: ${event.replace(/[\r\n]/g, '')}\ndata: ${lines}\n\n`);
      return true;
    },
    comment(text) {
      if (open) raw.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
    },
    closed,
    signal: controller.signal,
    close,
  };
  run(stream).then(close, (error: unknown) => {
    request.log.error({ err: error }, 'event stream failed');
    close();
  });
  return new RawResponse('hijacked', 200, {}, undefined);
}

/**
 * What route modules and server starters get to build their capability services from. One
 * instance per running server.
 */
export interface HttpServices {
  store: Store;
  config: LoadedConfig;
  /**
   * How probes reach the network for this server (resolver, CA, port map, scope): built once by
   * `buildProbeContext` (src/config/probe-context.ts) — from vigil.yaml for `vigil serve`, with the
   * lab for `vigil demo`. API-started assessment runs and the watch use it.
   */
  probe: ProbeContext;
  jobs: JobQueue;
  /** The data folder (exports, imported files, caches live below it). */
  dataDir: string;
  auth: AuthService;
  log: FastifyBaseLogger;
  /** Every route the server registered (for introspection such as the OpenAPI document). */
  routes: readonly RouteDefinition[];
  /** The server's own base URL once listening, e.g. http://127.0.0.1:8080 (empty before). */
  baseUrl: string;
  /**
   * One shared instance per server and key, created on first use: lets a route module and a
   * starter share e.g. the watch service and its event emitter.
   *   const watch = services.singleton('watch', () => new WatchService(services.store));
   */
  singleton<T>(key: string, create: () => T): T;
  /** @internal security headers, also written on hijacked (SSE) responses. */
  securityHeaders: Record<string, string>;
  /** @internal close functions of open event streams, ended when the server closes. */
  openStreams: Set<() => void>;
}

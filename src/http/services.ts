import type { FastifyBaseLogger } from 'fastify';
import type { LoadedConfig } from '../config/load.js';
import type { JobQueue } from '../jobs/queue.js';
import type { ProbeContext } from '../probes/context.js';
import type { AuthService } from '../services/auth/auth-service.js';
import type { Store } from '../store/store.js';
import type { RouteDefinition } from './route.js';

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

export function createServices(parts: Omit<HttpServices, 'singleton' | 'openStreams' | 'baseUrl'>): HttpServices {
  const instances = new Map<string, unknown>();
  return {
    ...parts,
    baseUrl: '',
    openStreams: new Set(),
    singleton<T>(key: string, create: () => T): T {
      if (!instances.has(key)) instances.set(key, create());
      return instances.get(key) as T;
    },
  };
}

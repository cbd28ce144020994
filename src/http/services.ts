import type { HttpServices } from './route.js';

/**
 * `HttpServices` is declared in route.ts, beside the route contract that hands it to handlers, so
 * that route.ts needs nothing from this module (no import cycle); it is re-exported here for the
 * modules that import it from here.
 */
export type { HttpServices } from './route.js';

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

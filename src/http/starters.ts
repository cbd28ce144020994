import { startWatchForServer } from './routes/watch.js';
import type { ServerStarter } from './server.js';

/**
 * Background services `vigil serve` starts together with the API (and `vigil demo` too). A
 * capability adds one line; `vigil serve --no-watch` leaves out the entry named `watch`.
 *
 *   { name: 'watch', start: async (services) => { const w = …; await w.start(); return () => w.stop(); } },
 */
export interface NamedStarter {
  name: string;
  start: ServerStarter;
}

export const serveStarters: NamedStarter[] = [
  // capabilities below, one line each
  { name: 'watch', start: (services) => startWatchForServer(services) },
];

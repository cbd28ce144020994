import type { Server, Socket } from 'node:net';

export type ServiceKind = 'dns' | 'smtp' | 'imap' | 'pop3' | 'http' | 'https';

/**
 * One listening service of a lab host that the control API can stop and start again on the same
 * port (the watch demo takes a service down and brings it back). A fresh server object is made for
 * each start; stop also destroys open connections so a stalled peer cannot hold it open.
 */
export interface ManagedService {
  kind: ServiceKind;
  ip: string;
  /** The port the world declares (25, 443…): the key of the port map. */
  standardPort: number;
  /** The port really listened on. */
  port: number;
  running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function managedService(kind: ServiceKind, ip: string, standardPort: number, wantedPort: number, factory: () => Server): ManagedService {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const service: ManagedService = {
    kind,
    ip,
    standardPort,
    port: wantedPort,
    running: false,
    async start() {
      if (service.running) return;
      const created = factory();
      created.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // a reset from a probe that gave up is normal here, never a crash
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        created.once('error', onError);
        created.listen({ host: ip, port: service.port, exclusive: true }, () => {
          created.off('error', onError);
          resolve();
        });
      });
      created.on('error', () => undefined);
      const address = created.address();
      if (address && typeof address === 'object') service.port = address.port;
      server = created;
      service.running = true;
    },
    async stop() {
      if (!server) return;
      const closing = server;
      server = undefined;
      service.running = false;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
  return service;
}

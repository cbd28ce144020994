import { Resolver } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { mappedEndpoint, type ProbeContext } from '../../probes/context.js';
import { assertAddressInScope } from '../../probes/scope.js';

/**
 * Name resolution and connection targets shared by the watch's probes. With `--resolver` every
 * name is looked up there (the lab's DNS server); then the lab's port map turns IP:PORT into
 * the unprivileged port the lab really listens on.
 */
const resolvers = new WeakMap<ProbeContext, Resolver>();

export function resolverFor(context: ProbeContext, override?: { host: string; port: number }): Resolver {
  if (override) return makeResolver(context, override);
  let resolver = resolvers.get(context);
  if (!resolver) {
    resolver = makeResolver(context, context.resolver);
    resolvers.set(context, resolver);
  }
  return resolver;
}

function makeResolver(context: ProbeContext, server: { host: string; port: number } | undefined): Resolver {
  const resolver = new Resolver({ timeout: context.dnsTimeoutMs, tries: context.dnsRetries + 1 });
  if (server) resolver.setServers([isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`]);
  return resolver;
}

/** The IP address to connect to for `host` (an IP literal stays as it is). */
export async function resolveAddress(context: ProbeContext, host: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return bare;
  if (!context.resolver) {
    const { lookup } = await import('node:dns/promises');
    return (await lookup(bare)).address;
  }
  const resolver = resolverFor(context);
  try {
    const v4 = await resolver.resolve4(bare);
    if (v4[0]) return v4[0];
  } catch {
    // fall through to AAAA
  }
  const v6 = await resolver.resolve6(bare);
  if (!v6[0]) throw new Error(`${bare} has no address`);
  return v6[0];
}

export async function connectTarget(context: ProbeContext, host: string, port: number): Promise<{ address: string; port: number }> {
  const address = await resolveAddress(context, host);
  // Every watch connection (tcp, tls, smtp, http and its redirects) passes here, with the address.
  assertAddressInScope(context.scope, address, host);
  const mapped = mappedEndpoint(context, address, port);
  return { address, port: mapped.port };
}

export function trustedCas(context: ProbeContext): string[] | undefined {
  return context.extraCaPem.length > 0 ? [...rootCertificates, ...context.extraCaPem] : undefined;
}

/** Open a TCP connection bounded by `timeoutMs`; resolves with the socket and the connect time. */
export function tcpConnect(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ socket: Socket; connectMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = new Socket();
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(new Error('aborted'));
    const timer = setTimeout(() => fail(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', fail);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.connect(port, address, () => {
      cleanup();
      resolve({ socket, connectMs: performance.now() - started });
    });
  });
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

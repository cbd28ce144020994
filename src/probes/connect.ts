/**
 * The one TCP connect of vigil's probes and the one way a probe turns a monitored host into the
 * address and port it dials: resolve (vigil's DnsClient when a resolver is configured, else the
 * system's lookup, which honours /etc/hosts), check the address against the network scope, then
 * apply the lab's port map. The assessment probes and the watch's monitors both come through here.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { mappedEndpoint, type ProbeContext } from './context.js';
import { DnsClient } from './dns/client.js';
import { assertAddressInScope } from './scope.js';

/** Open a TCP connection bounded by `timeoutMs` and `signal`; late socket errors are left to the reader. */
export function connectTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, noDelay: true });
    const fail = (error: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(new Error('aborted'));
    const timer = setTimeout(() => fail(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      // Late errors (reset while reading) are reported by the line reader; never crash on them.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/**
 * One DnsClient per probe context for long-running callers (the watch): no answer cache, so a
 * name re-pointed between two checks is seen at the next one (and checked against the scope).
 */
const uncachedClients = new WeakMap<ProbeContext, DnsClient>();

export function watchDnsClient(context: ProbeContext): DnsClient {
  let client = uncachedClients.get(context);
  if (!client) {
    client = DnsClient.fromContext(context, { cacheSize: 0 });
    uncachedClients.set(context, client);
  }
  return client;
}

/** The IP address to connect to for `host` (an IP literal stays as it is). */
export async function resolveAddress(context: ProbeContext, host: string): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return bare;
  if (!context.resolver) return (await lookup(bare)).address;
  const client = watchDnsClient(context);
  const v4 = await client.query(bare, 'A', { dnssec: false });
  const a = v4.records.find((record) => record.type === 'A');
  if (a) return String(a.data);
  const v6 = await client.query(bare, 'AAAA', { dnssec: false });
  const aaaa = v6.records.find((record) => record.type === 'AAAA');
  if (aaaa) return String(aaaa.data);
  const failed = v4.outcome === 'answer' || v4.outcome === 'nodata' ? v6 : v4;
  throw new Error(`${bare} has no address (${failed.outcome}${failed.reason ? `: ${failed.reason}` : ''} from ${failed.server})`);
}

/**
 * Where to dial for `host:port`: the resolved address, refused when outside the scope (checked on
 * the address itself, so a re-pointed name is refused too), on the port the port map gives.
 */
export async function connectTarget(context: ProbeContext, host: string, port: number): Promise<{ address: string; port: number }> {
  const address = await resolveAddress(context, host);
  assertAddressInScope(context.scope, address, host);
  return { address, port: mappedEndpoint(context, address, port).port };
}

/** Resolve, check the scope, map the port and connect: one call for a monitor's connection. */
export async function connectHost(
  context: ProbeContext,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ socket: Socket; address: string; port: number; connectMs: number }> {
  const target = await connectTarget(context, host, port);
  const started = performance.now();
  const socket = await connectTcp(target.address, target.port, timeoutMs, context.signal);
  return { socket, ...target, connectMs: performance.now() - started };
}

/** System roots plus the context's extra CAs (undefined when there are none: Node's default store). */
export function trustedCas(context: Pick<ProbeContext, 'extraCaPem'>): string[] | undefined {
  return context.extraCaPem.length > 0 ? [...rootCertificates, ...context.extraCaPem] : undefined;
}

/** An error as one line for evidence: its code first when the message does not say it. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** True for a name, false for an IP literal (SNI and certificate names are names only). */
export function isHostName(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) === 0;
}

/**
 * Bounded socket helpers for the mail probes: a TCP connect with a time limit and abort, and an
 * in-session TLS upgrade (after STARTTLS, or implicit TLS on 465/993/995) that accepts any
 * certificate — the certificate is judged from the TLS probe's evidence, not here.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

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

/** TLS over an existing socket (STARTTLS) or a fresh one (implicit TLS). */
export function upgradeTls(options: { socket?: Socket; host: string; port?: number; servername?: string | undefined; timeoutMs: number }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = options.servername && isIP(options.servername) === 0 ? options.servername : undefined;
    const secure = tlsConnect({
      ...(options.socket ? { socket: options.socket } : { host: options.host, port: options.port ?? 0 }),
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'ALL:@SECLEVEL=0',
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new Error(`TLS handshake timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.off('error', onError);
      secure.on('error', () => undefined);
      resolve(secure);
    });
    const onError = (error: Error) => {
      clearTimeout(timer);
      secure.destroy();
      reject(error);
    };
    secure.on('error', onError);
  });
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function isAbsent(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}

/**
 * Bounded socket helpers for the mail probes: an
 * in-session TLS upgrade (after STARTTLS, or implicit TLS on 465/993/995) that accepts any
 * certificate — the certificate is judged from the TLS probe's evidence, not here.
 */
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

// The connect and error text are the probes' shared ones (src/probes/connect.ts).
export { connectTcp, errorText } from '../connect.js';

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

export function isAbsent(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}

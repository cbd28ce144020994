/**
 * The light TLS probe: one handshake, the certificate chain, its trust against the system roots
 * plus the context's CAs, and the hostname — what a certificate-expiry monitor needs every few
 * minutes. The full assessment probe (`probeTls`) is the one that enumerates versions and suites.
 */
import type { Socket } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext, connect as tlsConnect } from 'node:tls';
import { connectHost, errorText, isHostName } from '../connect.js';
import type { ProbeContext } from '../context.js';
import { certificateEvidence } from './certificate.js';
import type { TlsCertificateCheck } from './types.js';

const trustContexts = new Map<string, SecureContext>();

/** Parsing ~140 roots costs ~100 ms: one context per CA set, not one per check. */
function trustContext(extraCaPem: readonly string[]): SecureContext {
  const key = extraCaPem.join('\n');
  let context = trustContexts.get(key);
  if (!context) {
    // Without extra CAs Node's default store is kept (it also honours NODE_EXTRA_CA_CERTS), as the
    // monitor did before it moved here.
    context = createSecureContext(extraCaPem.length > 0 ? { ca: [...rootCertificates, ...extraCaPem] } : {});
    if (trustContexts.size > 16) trustContexts.clear();
    trustContexts.set(key, context);
  }
  return context;
}

export interface CertificateHandshakeOptions {
  /** SNI, and the name the certificate must match; an IP literal is never sent as SNI. */
  servername?: string | undefined;
  /** The name checked when there is no servername (the host as monitored, may be an IP). */
  host: string;
  extraCaPem: readonly string[];
  timeoutMs: number;
}

/**
 * TLS over an already connected socket (a fresh connection, or after STARTTLS); the socket is
 * destroyed when done. Never throws: a failure is the evidence's `error`.
 */
export function certificateHandshake(socket: Socket, options: CertificateHandshakeOptions): Promise<Omit<TlsCertificateCheck, 'responseMs'>> {
  return new Promise((resolve) => {
    const servername = options.servername && isHostName(options.servername) ? options.servername : undefined;
    let settled = false;
    const finish = (result: Omit<TlsCertificateCheck, 'responseMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      secure.destroy();
      socket.destroy();
      resolve(result);
    };
    const secure = tlsConnect({
      socket,
      secureContext: trustContext(options.extraCaPem),
      rejectUnauthorized: false,
      // The hostname is judged in certificateEvidence, so the trust error is about the chain only.
      checkServerIdentity: () => undefined,
      ...(servername ? { servername } : {}),
    });
    const timer = setTimeout(() => finish({ error: `TLS handshake timeout after ${options.timeoutMs} ms` }), options.timeoutMs);
    secure.once('secureConnect', () => {
      const peer = secure.getPeerCertificate(true);
      const authorizationError = secure.authorized ? undefined : String(secure.authorizationError ?? 'unknown');
      try {
        const certificate = certificateEvidence(peer, authorizationError, options.servername ?? options.host, undefined);
        const cipher = secure.getCipher();
        finish({
          negotiated: { protocol: secure.getProtocol() ?? 'unknown', cipher: cipher.name },
          ...(certificate ? { certificate } : { error: 'the server sent no certificate' }),
        });
      } catch (error) {
        finish({ error: `unreadable certificate: ${errorText(error)}` });
      }
    });
    secure.once('error', (error) => finish({ error: errorText(error) }));
    secure.once('close', () => finish({ error: 'connection closed during the TLS handshake' }));
  });
}

/** Connect to `host:port` (scope-checked, port-mapped) and read its certificate in one handshake. */
export async function probeCertificate(
  host: string,
  port: number,
  ctx: ProbeContext,
  options: { servername?: string | undefined; timeoutMs: number },
): Promise<TlsCertificateCheck> {
  const started = performance.now();
  try {
    const { socket } = await connectHost(ctx, host, port, options.timeoutMs);
    const servername = options.servername ?? (isHostName(host) ? host : undefined);
    const result = await certificateHandshake(socket, { servername, host, extraCaPem: ctx.extraCaPem, timeoutMs: options.timeoutMs });
    return { ...result, responseMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: errorText(error), responseMs: Math.round(performance.now() - started) };
  }
}

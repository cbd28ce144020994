import { connect as tlsConnect } from 'node:tls';
import type { ProbeContext } from '../../probes/context.js';
import type { TlsMonitorConfig } from '../config-schema.js';
import { connectTarget, errorText, tcpConnect, trustedCas } from './net.js';

export interface TlsEvidence {
  error?: string;
  authorized?: boolean;
  authorizationError?: string;
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  responseMs: number;
}

export async function probeTls(config: TlsMonitorConfig, context: ProbeContext): Promise<TlsEvidence> {
  const started = performance.now();
  try {
    const target = await connectTarget(context, config.host, config.port);
    const { socket } = await tcpConnect(target.address, target.port, config.timeout, context.signal);
    const servername = config.servername ?? (/^[\d.:[\]]+$/.test(config.host) ? undefined : config.host);
    return await handshake(socket, servername, trustedCas(context), config.timeout, started);
  } catch (error) {
    return { error: errorText(error), responseMs: Math.round(performance.now() - started) };
  }
}

/** TLS over an already-connected socket; returns the leaf certificate facts. Used by the SMTP probe too. */
export function handshake(
  socket: import('node:net').Socket,
  servername: string | undefined,
  ca: string[] | undefined,
  timeoutMs: number,
  started: number,
): Promise<TlsEvidence> {
  return new Promise((resolve) => {
    const secure = tlsConnect({ socket, ...(servername ? { servername } : {}), ...(ca ? { ca } : {}), rejectUnauthorized: false });
    const timer = setTimeout(() => {
      secure.destroy();
      resolve({ error: `TLS handshake timeout after ${timeoutMs} ms`, responseMs: Math.round(performance.now() - started) });
    }, timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = secure.getPeerCertificate();
      const evidence: TlsEvidence = {
        authorized: secure.authorized,
        ...(secure.authorizationError ? { authorizationError: String(secure.authorizationError) } : {}),
        ...(cert?.subject ? { subject: String(cert.subject.CN ?? JSON.stringify(cert.subject)) } : {}),
        ...(cert?.issuer ? { issuer: String(cert.issuer.CN ?? JSON.stringify(cert.issuer)) } : {}),
        ...(cert?.valid_from ? { validFrom: new Date(cert.valid_from).toISOString() } : {}),
        ...(cert?.valid_to ? { validTo: new Date(cert.valid_to).toISOString() } : {}),
        responseMs: Math.round(performance.now() - started),
      };
      secure.end();
      secure.destroy();
      resolve(evidence);
    });
    secure.once('error', (error) => {
      clearTimeout(timer);
      secure.destroy();
      resolve({ error: errorText(error), responseMs: Math.round(performance.now() - started) });
    });
  });
}

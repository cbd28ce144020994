/**
 * One bounded TLS handshake attempt with pinned versions and an explicit cipher offer, over a
 * fresh TCP connection (after STARTTLS when asked). Never throws: the outcome says whether the
 * server accepted, refused, or could not be judged (timeout, connection failure).
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, type DetailedPeerCertificate, type SecureContext, type SecureVersion, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { ProbeIoError } from './line-reader.js';
import { StartTlsRefused, negotiateStartTls } from './starttls.js';
import type { StartTlsProtocol } from './types.js';

export interface AttemptSpec {
  host: string;
  port: number;
  servername?: string | undefined;
  starttls?: StartTlsProtocol | undefined;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** OpenSSL cipher string (TLS 1.3 suites by their TLS_ names, as Node splits them). */
  ciphers: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /**
   * Collect the chain, trust and OCSP (the first, full handshake only). The context carries the
   * trusted roots, versions and ciphers; it is built once per CA set because parsing ~140 roots
   * costs ~100 ms.
   */
  details?: { secureContext: SecureContext } | undefined;
}

export type AttemptOutcome =
  | {
      kind: 'accepted';
      protocol: string;
      cipher: string;
      standardName: string;
      keyExchangeGroup?: string | undefined;
      chain?: DetailedPeerCertificate | undefined;
      authorizationError?: string | undefined;
      ocsp?: Buffer | undefined;
    }
  /** The server refused what was offered (alert, reset, close during the handshake). */
  | { kind: 'rejected'; reason: string }
  /** This client could not even offer it (no suites for the version…). */
  | { kind: 'local'; reason: string }
  /** Nothing can be said: timeout, refused TCP connection, STARTTLS failure, abort. */
  | { kind: 'error'; reason: string; stage: 'connect' | 'starttls' | 'handshake' | 'aborted'; starttlsRefused?: boolean };

const LOCAL_CODES = new Set(['ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHER_MATCH', 'ERR_INVALID_ARG_VALUE']);

export function attemptHandshake(spec: AttemptSpec): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    let raw: Socket | undefined;
    let secure: TLSSocket | undefined;
    let done = false;
    let stage: 'connect' | 'starttls' | 'handshake' = 'connect';
    let ocsp: Buffer | undefined;

    const finish = (outcome: AttemptOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      secure?.destroy();
      raw?.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'error', reason: 'aborted', stage: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'error', reason: `${stage} timed out after ${spec.timeoutMs} ms`, stage }), spec.timeoutMs);
    if (spec.signal?.aborted) return onAbort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    const handshake = () => {
      stage = 'handshake';
      const options: ConnectionOptions = {
        socket: raw!,
        minVersion: spec.minVersion,
        maxVersion: spec.maxVersion,
        ciphers: spec.ciphers,
        rejectUnauthorized: false,
        // Hostname is checked separately (certificate.ts) so `authorizationError` is about the chain only.
        checkServerIdentity: () => undefined,
        // SNI must be a name, never an IP literal (RFC 6066 §3).
        ...(spec.servername && isIP(spec.servername) === 0 ? { servername: spec.servername } : {}),
        ...(spec.details ? { secureContext: spec.details.secureContext, requestOCSP: true } : {}),
      };
      try {
        secure = tlsConnect(options);
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        return finish({ kind: 'local', reason: `${code} ${(error as Error).message}`.trim() });
      }
      secure.on('OCSPResponse', (response: Buffer) => {
        ocsp = response;
      });
      secure.once('secureConnect', () => {
        const socket = secure!;
        const cipher = socket.getCipher();
        const key = socket.getEphemeralKeyInfo();
        const group =
          key && 'name' in key && key.name
            ? `${key.name}${key.size ? ` (${key.size} bits)` : ''}`
            : key && 'type' in key && key.type
              ? `${key.type}${key.size ? ` (${key.size} bits)` : ''}`
              : undefined;
        finish({
          kind: 'accepted',
          protocol: socket.getProtocol() ?? 'unknown',
          cipher: cipher.name,
          standardName: (cipher as { standardName?: string }).standardName ?? cipher.name,
          keyExchangeGroup: group,
          ...(spec.details
            ? {
                chain: socket.getPeerCertificate(true),
                authorizationError: socket.authorized ? undefined : String(socket.authorizationError ?? 'unknown'),
                ocsp,
              }
            : {}),
        });
      });
      secure.on('error', (error: Error & { code?: string }) => {
        const code = error.code ?? '';
        if (LOCAL_CODES.has(code)) finish({ kind: 'local', reason: `${code} ${error.message}`.trim() });
        else finish({ kind: 'rejected', reason: code || error.message });
      });
      secure.once('close', () => finish({ kind: 'rejected', reason: 'connection closed during the handshake' }));
    };

    raw = netConnect({ host: spec.host, port: spec.port, noDelay: true });
    raw.on('error', (error: Error & { code?: string }) => {
      if (stage === 'connect') finish({ kind: 'error', reason: `${error.code ?? ''} ${error.message}`.trim(), stage });
    });
    raw.once('connect', () => {
      if (!spec.starttls) return handshake();
      stage = 'starttls';
      negotiateStartTls(raw!, spec.starttls, spec.timeoutMs).then(handshake, (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        finish({
          kind: 'error',
          reason: `STARTTLS: ${reason}`,
          stage: 'starttls',
          starttlsRefused: error instanceof StartTlsRefused && !(error instanceof ProbeIoError),
        });
      });
    });
  });
}

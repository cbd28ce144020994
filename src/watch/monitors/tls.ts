import type { ProbeContext } from '../../probes/context.js';
import { probeCertificate } from '../../probes/tls/certificate-check.js';
import type { TlsCertificateCheck } from '../../probes/tls/types.js';
import type { TlsMonitorConfig } from '../config-schema.js';

/** The TLS monitor's evidence is the probes' light TLS evidence (one handshake, the certificate). */
export type TlsEvidence = TlsCertificateCheck;

export function probeTls(config: TlsMonitorConfig, context: ProbeContext): Promise<TlsEvidence> {
  return probeCertificate(config.host, config.port, context, { servername: config.servername, timeoutMs: config.timeout });
}

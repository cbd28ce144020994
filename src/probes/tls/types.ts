/**
 * Evidence the TLS probe collects about one endpoint (HTTPS, SMTP STARTTLS, IMAPS…). Plain JSON
 * so it can be stored with the run and fed to the pure checks in src/checks/tls.
 */

/** Protocol versions vigil reports on. SSLv3 is asked with a raw ClientHello (raw-hello.ts); SSLv2 is always `not-testable`. */
export type TlsVersion = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * accepted: a handshake completed with only this version offered; rejected: the server refused it
 * (alert or reset); not-testable: this OpenSSL build cannot offer it; error: timed out or the
 * connection failed for another reason, so nothing can be said.
 */
export type VersionSupport = 'accepted' | 'rejected' | 'not-testable' | 'error';

export type StartTlsProtocol = 'smtp' | 'imap' | 'pop3';

/** insecure: NULL/anonymous/export/RC4/DES/3DES; weak: no forward secrecy; acceptable: FS but CBC; strong: FS + AEAD. */
export type CipherStrength = 'strong' | 'acceptable' | 'weak' | 'insecure';

export interface CipherSuite {
  /** OpenSSL name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`. */
  name: string;
  /** IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`. */
  iana: string;
  /** Two-byte code as hex, e.g. `C02F`. */
  code: string;
  keyExchange: string;
  authentication: string;
  encryption: string;
  bits: number;
  forwardSecrecy: boolean;
  aead: boolean;
  strength: CipherStrength;
}

export interface VersionCiphers {
  version: TlsVersion;
  /** Accepted suites, in vigil's offer order (OpenSSL's default, strongest first). */
  suites: CipherSuite[];
  /** true: the server picks by its own order; false: it follows the client's; undefined: not determined (< 2 suites). */
  serverPreference?: boolean | undefined;
  /** The server's first choice among its suites (when it enforces its order, or has only one). */
  preferred?: string | undefined;
  /** Enumeration was cut short (budget or errors); `suites` may be incomplete. */
  incomplete?: boolean | undefined;
}

export interface CertificateInfo {
  subject: string;
  commonName?: string | undefined;
  /** `DNS:name` / `IP Address:a.b.c.d` entries as Node prints them. */
  subjectAltNames: string[];
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | other OpenSSL key type. */
  keyType: string;
  keyBits?: number | undefined;
  curve?: string | undefined;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, or the OID when unknown. */
  signatureAlgorithm: string;
  /** Hash of the signature: sha1, sha256, md5… (undefined for Ed25519/unknown). */
  signatureHash?: string | undefined;
  fingerprintSha256: string;
  selfSigned: boolean;
  isCa: boolean;
  /** The certificate (DER, base64) for DANE matching. */
  derBase64: string;
}

export interface CertificateEvidence {
  /** Leaf first, then issuers as the handshake presented/completed them. */
  chain: CertificateInfo[];
  /** OpenSSL chain verification against system roots + the extra CA PEMs. */
  trusted: boolean;
  /** OpenSSL's reason when not trusted, e.g. `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  trustError?: string | undefined;
  /** The name the certificate was checked against (servername or host). */
  checkedName: string;
  hostnameMatches: boolean;
  hostnameError?: string | undefined;
  /** The server stapled an OCSP response when asked (`status_request`). The response itself is not validated. */
  ocspStapled: boolean;
  ocspResponseBytes?: number | undefined;
  /** When the evidence was taken (ISO), so expiry can be judged purely. */
  observedAt: string;
}

export interface TlsEvidence {
  host: string;
  port: number;
  /** Where the probe actually connected (after the port map). */
  connectedTo: { host: string; port: number };
  servername?: string | undefined;
  starttls?: StartTlsProtocol | undefined;
  /** A TLS handshake succeeded at least once. */
  reachable: boolean;
  /** Why nothing (or not everything) could be determined: refused, timeout, STARTTLS not offered… */
  error?: string | undefined;
  protocols: Record<TlsVersion, VersionSupport>;
  /** What a default handshake (everything offered) negotiated. */
  negotiated?: { protocol: string; cipher: string; keyExchangeGroup?: string | undefined } | undefined;
  ciphers: VersionCiphers[];
  /** Suites whose support is unknown: neither this OpenSSL build nor the raw ClientHello probe could ask about them (empty when all went well). */
  untestedSuites: string[];
  certificate?: CertificateEvidence | undefined;
  handshakes: number;
  durationMs: number;
}

/**
 * One handshake's certificate facts, the light form of `TlsEvidence` for the watch's TLS
 * (certificate expiry) and SMTP monitors, which check every few minutes and must not run the
 * assessment's many handshakes: the same `CertificateEvidence` (chain, trust, hostname), plus what
 * that one handshake negotiated.
 */
export interface TlsCertificateCheck {
  /** Why there is no certificate: connection refused, timeout, handshake failure. */
  error?: string | undefined;
  negotiated?: { protocol: string; cipher: string } | undefined;
  certificate?: CertificateEvidence | undefined;
  responseMs: number;
}

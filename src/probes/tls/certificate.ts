/**
 * Certificate facts from a handshake's peer chain: Node's X509Certificate gives names, validity,
 * key and fingerprint; the signature algorithm (which Node 20's X509Certificate does not expose)
 * is read from the DER by a few lines of ASN.1 walking below — @peculiar/x509 could, but it needs
 * a reflect-metadata polyfill loaded first, which a probe should not impose on its importers.
 */
import { X509Certificate } from 'node:crypto';
import { type DetailedPeerCertificate, checkServerIdentity } from 'node:tls';
import type { CertificateEvidence, CertificateInfo } from './types.js';

const SIGNATURE_ALGORITHMS: Record<string, [name: string, hash: string | undefined]> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.2.840.113549.1.1.10': ['rsassaPss', undefined],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.2.840.10040.4.3': ['dsa-with-SHA1', 'sha1'],
  '2.16.840.1.101.3.4.3.2': ['dsa-with-SHA256', 'sha256'],
  '1.3.101.112': ['ED25519', undefined],
  '1.3.101.113': ['ED448', undefined],
};

const PSS_HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};

interface Tlv {
  tag: number;
  start: number;
  end: number;
  next: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Error('DER truncated');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count > 4 || start + count > der.length) throw new Error('DER length invalid');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  if (start + length > der.length) throw new Error('DER truncated');
  return { tag, start, end: start + length, next: start + length };
}

function decodeOid(bytes: Buffer): string {
  const parts: number[] = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }. */
export function signatureAlgorithmOf(der: Buffer): { name: string; hash: string | undefined } {
  try {
    const certificate = readTlv(der, 0);
    const tbs = readTlv(der, certificate.start);
    const algorithm = readTlv(der, tbs.next);
    const oid = readTlv(der, algorithm.start);
    if (oid.tag !== 0x06 || oid.end === oid.start) throw new Error('not an OID');
    const dotted = decodeOid(der.subarray(oid.start, oid.end));
    const known = SIGNATURE_ALGORITHMS[dotted];
    if (!known) return { name: dotted, hash: undefined };
    if (known[0] === 'rsassaPss') {
      // RSASSA-PSS names its hash in the parameters; absent means SHA-1 (RFC 4055).
      const params = der.subarray(oid.next, algorithm.end).toString('hex');
      const hash = Object.entries(PSS_HASHES).find(([o]) => params.includes(oidHex(o)))?.[1] ?? 'sha1';
      return { name: 'rsassaPss', hash };
    }
    return { name: known[0], hash: known[1] };
  } catch {
    return { name: 'unparseable', hash: undefined };
  }
}

function oidHex(dotted: string): string {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(...chunk);
  }
  return Buffer.from(bytes).toString('hex');
}

export function describeCertificate(der: Buffer): CertificateInfo {
  const cert = new X509Certificate(der);
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const keyBits = details.modulusLength ?? (keyType === 'ed25519' ? 256 : keyType === 'ed448' ? 456 : curveBits(details.namedCurve));
  const signature = signatureAlgorithmOf(der);
  let selfSigned = false;
  if (cert.subject === cert.issuer) {
    try {
      selfSigned = cert.verify(key);
    } catch {
      selfSigned = false;
    }
  }
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1],
    subjectAltNames: cert.subjectAltName ? cert.subjectAltName.split(/,\s*/) : [],
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyType,
    keyBits,
    curve: details.namedCurve,
    signatureAlgorithm: signature.name,
    signatureHash: signature.hash,
    fingerprintSha256: cert.fingerprint256,
    selfSigned,
    isCa: cert.ca,
    derBase64: der.toString('base64'),
  };
}

function curveBits(curve: string | undefined): number | undefined {
  if (!curve) return undefined;
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : undefined;
}

/** Leaf first, following issuerCertificate links (Node completes the chain from the trust store). */
export function chainOf(peer: DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = peer;
  while (current?.raw && !seen.has(current.fingerprint256) && chain.length < 10) {
    seen.add(current.fingerprint256);
    chain.push(describeCertificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

export function certificateEvidence(
  peer: DetailedPeerCertificate | undefined,
  authorizationError: string | undefined,
  checkedName: string,
  ocsp: Buffer | undefined,
): CertificateEvidence | undefined {
  if (!peer?.raw) return undefined;
  const hostnameError = checkServerIdentity(checkedName, peer);
  return {
    chain: chainOf(peer),
    trusted: authorizationError === undefined,
    trustError: authorizationError,
    checkedName,
    hostnameMatches: hostnameError === undefined,
    hostnameError: hostnameError?.message,
    ocspStapled: Boolean(ocsp && ocsp.length > 0),
    ocspResponseBytes: ocsp?.length,
    observedAt: new Date().toISOString(),
  };
}

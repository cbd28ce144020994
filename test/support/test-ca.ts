/**
 * A tiny certificate authority for the TLS/SMTP tests and the TLS benchmark: a root, and leaf
 * certificates with whatever flaw a test needs (expired, self-signed, wrong name, small key, SHA-1).
 */
import { webcrypto } from 'node:crypto';

// @peculiar/x509 resolves its providers through tsyringe, which refuses to load without a Reflect
// metadata API; these few functions are all it uses (no reflect-metadata dependency for tests).
const metadata = new WeakMap<object, Map<unknown, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  const table = (target: object) => {
    let entries = metadata.get(target);
    if (!entries) metadata.set(target, (entries = new Map()));
    return entries;
  };
  reflect.defineMetadata = (key: unknown, value: unknown, target: object, property?: unknown) => table(target).set(`${String(property)}:${String(key)}`, value);
  reflect.getOwnMetadata = (key: unknown, target: object, property?: unknown) => metadata.get(target)?.get(`${String(property)}:${String(key)}`);
  reflect.getMetadata = (key: unknown, target: object, property?: unknown) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const value = metadata.get(t)?.get(`${String(property)}:${String(key)}`);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  reflect.hasMetadata = (key: unknown, target: object, property?: unknown) =>
    (reflect.getMetadata as (...a: unknown[]) => unknown)(key, target, property) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: object, property?: unknown) =>
    (reflect.defineMetadata as (...a: unknown[]) => void)(key, value, target, property);
}
const x509 = await import('@peculiar/x509');
x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;
type Algorithm = webcrypto.Algorithm;

const DAY = 86_400_000;

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** Leaf + CA (what a server sends). */
  chainPem: string;
  derBase64: string;
}

export interface IssueOptions {
  names?: string[];
  ips?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** RSA modulus (default 2048); ignored with `ec`. */
  rsaBits?: number;
  ec?: boolean;
  hash?: 'SHA-1' | 'SHA-256';
  /** Sign with its own key instead of the CA's. */
  selfSigned?: boolean;
}

export interface TestCa {
  caPem: string;
  issue(options?: IssueOptions): Promise<IssuedCertificate>;
}

async function generateKeys(options: { rsaBits?: number; ec?: boolean; hash?: string }): Promise<CryptoKeyPair> {
  const algorithm = options.ec
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : { name: 'RSASSA-PKCS1-v1_5', modulusLength: options.rsaBits ?? 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: options.hash ?? 'SHA-256' };
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

function signing(keys: CryptoKeyPair, hash: string): Algorithm {
  return keys.privateKey.algorithm.name === 'ECDSA' ? ({ name: 'ECDSA', hash } as Algorithm) : ({ name: 'RSASSA-PKCS1-v1_5', hash } as Algorithm);
}

export async function createTestCa(name = 'vigil test CA'): Promise<TestCa> {
  const caKeys = await generateKeys({ ec: true });
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}, O=vigil tests`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys: caKeys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as Algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const caPem = ca.toString('pem');
  let serial = 1;

  return {
    caPem,
    async issue(options: IssueOptions = {}): Promise<IssuedCertificate> {
      const hash = options.hash ?? 'SHA-256';
      const keys = await generateKeys({ rsaBits: options.rsaBits ?? 2048, ec: options.ec ?? false, hash });
      const names = options.names ?? ['localhost'];
      const san = [
        ...names.map((value) => ({ type: 'dns' as const, value })),
        ...(options.ips ?? ['127.0.0.1']).map((value) => ({ type: 'ip' as const, value })),
      ];
      serial++;
      const common = {
        serialNumber: serial.toString(16).padStart(4, '0'),
        notBefore: options.notBefore ?? new Date(Date.now() - DAY),
        notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.SubjectAlternativeNameExtension(san),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      };
      const cert = options.selfSigned
        ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${names[0]}`, keys, signingAlgorithm: signing(keys, hash) })
        : await x509.X509CertificateGenerator.create({
            ...common,
            subject: `CN=${names[0]}`,
            issuer: ca.subject,
            publicKey: keys.publicKey,
            signingKey: caKeys.privateKey,
            signingAlgorithm: { name: 'ECDSA', hash } as Algorithm,
          });
      const certPem = cert.toString('pem');
      return {
        certPem,
        keyPem: await keyPem(keys.privateKey),
        chainPem: options.selfSigned ? certPem : `${certPem}\n${caPem}`,
        derBase64: Buffer.from(cert.rawData).toString('base64'),
      };
    },
  };
}

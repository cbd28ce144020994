import './reflect-shim.js';
import { createHash, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

/**
 * Certificate variants a lab TLS endpoint can present, one per way a real certificate goes wrong
 * (and `good`, `chain` for the right ways).
 */
export const CERT_VARIANTS = [
  'good',
  'chain',
  'incomplete-chain',
  'expired',
  'expiring-soon',
  'not-yet-valid',
  'self-signed',
  'wrong-name',
  'weak-key',
  'sha1',
] as const;
export type CertVariant = (typeof CERT_VARIANTS)[number];
export type KeyKind = 'ec' | 'rsa';

export interface IssuedCert {
  variant: CertVariant;
  names: string[];
  /** PKCS#8 PEM private key. */
  keyPem: string;
  /** Leaf PEM, followed by the intermediate for `chain`. */
  certPem: string;
  /** SHA-256 of the leaf's SubjectPublicKeyInfo, hex (TLSA 3 1 1). */
  spkiSha256: string;
  /** SHA-256 of the leaf's DER, hex (TLSA 3 0 1). */
  certSha256: string;
}

export interface LabCa {
  caPem: string;
  caFile: string;
  issue(variant: CertVariant, names: string[], key?: KeyKind): Promise<IssuedCert>;
}

const DAY = 86_400_000;
const ecAlgorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const rsaAlgorithm = (bits: number) =>
  ({ name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }) as const;

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  // positive, non-zero, 16 bytes like a public CA's
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/**
 * Make the lab CA (and an intermediate) and the few leaf keys every variant shares. Keys are made
 * once per lab start — RSA 2048 for `good` RSA leaves, RSA 1024 for `weak-key`, EC P-256 for
 * everything else — so starting the lab stays well under a second; leaf certificates are cheap.
 * Writes ca.pem and ca-key.pem into `dir`.
 */
export async function createLabCa(dir: string, organisation = 'Vigil Lab'): Promise<LabCa> {
  const generate = (algorithm: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams) =>
    webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  const [caKeys, intermediateKeys, ecLeaf, rsaLeaf, weakLeaf] = await Promise.all([
    generate(ecAlgorithm),
    generate(ecAlgorithm),
    generate(ecAlgorithm),
    generate(rsaAlgorithm(2048)),
    generate(rsaAlgorithm(1024)),
  ]);
  const now = Date.now();
  const caName = `CN=${organisation} Root CA, O=${organisation}, C=VN`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: caName,
    notBefore: new Date(now - 30 * DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys: caKeys,
    signingAlgorithm: ecAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const intermediateName = `CN=${organisation} Issuing CA 1, O=${organisation}, C=VN`;
  const intermediateCert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: intermediateName,
    issuer: caCert.subject,
    notBefore: new Date(now - 30 * DAY),
    notAfter: new Date(now + 1825 * DAY),
    publicKey: intermediateKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ecAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const caPem = caCert.toString('pem');
  await mkdir(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, `${caPem}\n`, 'utf8');
  await writeFile(join(dir, 'ca-key.pem'), await pkcs8Pem(caKeys.privateKey), { encoding: 'utf8', mode: 0o600 });

  // Exported public keys and key identifiers are cached: @peculiar/x509 would otherwise export
  // them again for every certificate, which is most of the cost of issuing one.
  const publicKeys = new Map<CryptoKeyPair, Promise<x509.PublicKey>>();
  const publicOf = (pair: CryptoKeyPair) => {
    let key = publicKeys.get(pair);
    if (!key) {
      key = x509.PublicKey.create(pair.publicKey);
      publicKeys.set(pair, key);
    }
    return key;
  };
  const keyIds = new Map<CryptoKeyPair, Promise<x509.AuthorityKeyIdentifierExtension>>();
  const authorityKeyIdOf = (pair: CryptoKeyPair) => {
    let ext = keyIds.get(pair);
    if (!ext) {
      ext = x509.AuthorityKeyIdentifierExtension.create(pair.publicKey);
      keyIds.set(pair, ext);
    }
    return ext;
  };
  const keyPems = new Map<CryptoKeyPair, Promise<string>>();
  const pemOf = (pair: CryptoKeyPair) => {
    let pem = keyPems.get(pair);
    if (!pem) {
      pem = pkcs8Pem(pair.privateKey);
      keyPems.set(pair, pem);
    }
    return pem;
  };

  async function issue(variant: CertVariant, names: string[], key: KeyKind = 'ec'): Promise<IssuedCert> {
    const leafKeys = variant === 'weak-key' ? weakLeaf : key === 'rsa' ? rsaLeaf : ecLeaf;
    const sanNames = variant === 'wrong-name' ? [`wrong-name.${(names[0] ?? 'lab').replace(/^\*\./, '')}.invalid`] : names;
    let notBefore = new Date(now - DAY);
    let notAfter = new Date(now + 397 * DAY);
    if (variant === 'expired') {
      notBefore = new Date(now - 400 * DAY);
      notAfter = new Date(now - 3 * DAY);
    } else if (variant === 'expiring-soon') {
      notAfter = new Date(now + 10 * DAY);
    } else if (variant === 'not-yet-valid') {
      notBefore = new Date(now + 30 * DAY);
      notAfter = new Date(now + 400 * DAY);
    }
    const viaIntermediate = variant === 'chain' || variant === 'incomplete-chain';
    const selfSigned = variant === 'self-signed';
    const leafAlgorithm = leafKeys === ecLeaf ? ecAlgorithm : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const signingKey = selfSigned ? leafKeys.privateKey : viaIntermediate ? intermediateKeys.privateKey : caKeys.privateKey;
    const issuerKeys = selfSigned ? leafKeys : viaIntermediate ? intermediateKeys : caKeys;
    const subject = `CN=${sanNames[0] ?? 'lab'}, O=${organisation}, C=VN`;
    const signingAlgorithm = selfSigned ? leafAlgorithm : variant === 'sha1' ? { name: 'ECDSA', hash: 'SHA-1' } : ecAlgorithm;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: selfSigned ? subject : viaIntermediate ? intermediateCert.subject : caCert.subject,
      notBefore,
      notAfter,
      publicKey: await publicOf(leafKeys),
      signingKey,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(sanNames.map((value) => ({ type: 'dns' as const, value }))),
        await authorityKeyIdOf(issuerKeys),
      ],
    });
    const certPem = variant === 'chain' ? `${cert.toString('pem')}\n${intermediateCert.toString('pem')}\n` : `${cert.toString('pem')}\n`;
    return {
      variant,
      names: sanNames,
      keyPem: await pemOf(leafKeys),
      certPem,
      spkiSha256: createHash('sha256').update(Buffer.from(cert.publicKey.rawData)).digest('hex'),
      certSha256: createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex'),
    };
  }

  return { caPem, caFile, issue };
}

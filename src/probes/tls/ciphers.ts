/**
 * Cipher-suite metadata: the suites vigil knows, with what SSL Labs / internet.nl judge them by.
 * Generated once from `openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'` (PSK/SRP
 * suites left out: they need a pre-shared secret and never appear on web or mail endpoints), plus
 * the legacy suites (3DES, RC4, DES, export, IDEA, SEED, TLS 1.3 CCM) so names seen elsewhere
 * can still be classified. Hand-kept as a table because Node exposes no per-suite metadata.
 */
import { createSecureContext } from 'node:tls';
import type { CipherStrength, CipherSuite } from './types.js';

// code  openssl-name  iana-name  min-version  kx  au  enc(bits)  mac
const TABLE = `
1302  TLS_AES_256_GCM_SHA384          TLS_AES_256_GCM_SHA384                         TLSv1.3  any   any    AESGCM(256)             AEAD
1303  TLS_CHACHA20_POLY1305_SHA256    TLS_CHACHA20_POLY1305_SHA256                   TLSv1.3  any   any    CHACHA20/POLY1305(256)  AEAD
1301  TLS_AES_128_GCM_SHA256          TLS_AES_128_GCM_SHA256                         TLSv1.3  any   any    AESGCM(128)             AEAD
C02C  ECDHE-ECDSA-AES256-GCM-SHA384   TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384        TLSv1.2  ECDH  ECDSA  AESGCM(256)             AEAD
C030  ECDHE-RSA-AES256-GCM-SHA384     TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384          TLSv1.2  ECDH  RSA    AESGCM(256)             AEAD
00A3  DHE-DSS-AES256-GCM-SHA384       TLS_DHE_DSS_WITH_AES_256_GCM_SHA384            TLSv1.2  DH    DSS    AESGCM(256)             AEAD
009F  DHE-RSA-AES256-GCM-SHA384       TLS_DHE_RSA_WITH_AES_256_GCM_SHA384            TLSv1.2  DH    RSA    AESGCM(256)             AEAD
CCA9  ECDHE-ECDSA-CHACHA20-POLY1305   TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256  TLSv1.2  ECDH  ECDSA  CHACHA20/POLY1305(256)  AEAD
CCA8  ECDHE-RSA-CHACHA20-POLY1305     TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256    TLSv1.2  ECDH  RSA    CHACHA20/POLY1305(256)  AEAD
CCAA  DHE-RSA-CHACHA20-POLY1305       TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256      TLSv1.2  DH    RSA    CHACHA20/POLY1305(256)  AEAD
C0AF  ECDHE-ECDSA-AES256-CCM8         TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8             TLSv1.2  ECDH  ECDSA  AESCCM8(256)            AEAD
C0AD  ECDHE-ECDSA-AES256-CCM          TLS_ECDHE_ECDSA_WITH_AES_256_CCM               TLSv1.2  ECDH  ECDSA  AESCCM(256)             AEAD
C0A3  DHE-RSA-AES256-CCM8             TLS_DHE_RSA_WITH_AES_256_CCM_8                 TLSv1.2  DH    RSA    AESCCM8(256)            AEAD
C09F  DHE-RSA-AES256-CCM              TLS_DHE_RSA_WITH_AES_256_CCM                   TLSv1.2  DH    RSA    AESCCM(256)             AEAD
C05D  ECDHE-ECDSA-ARIA256-GCM-SHA384  TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384       TLSv1.2  ECDH  ECDSA  ARIAGCM(256)            AEAD
C061  ECDHE-ARIA256-GCM-SHA384        TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384         TLSv1.2  ECDH  RSA    ARIAGCM(256)            AEAD
C057  DHE-DSS-ARIA256-GCM-SHA384      TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384           TLSv1.2  DH    DSS    ARIAGCM(256)            AEAD
C053  DHE-RSA-ARIA256-GCM-SHA384      TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384           TLSv1.2  DH    RSA    ARIAGCM(256)            AEAD
00A7  ADH-AES256-GCM-SHA384           TLS_DH_anon_WITH_AES_256_GCM_SHA384            TLSv1.2  DH    None   AESGCM(256)             AEAD
C02B  ECDHE-ECDSA-AES128-GCM-SHA256   TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256        TLSv1.2  ECDH  ECDSA  AESGCM(128)             AEAD
C02F  ECDHE-RSA-AES128-GCM-SHA256     TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256          TLSv1.2  ECDH  RSA    AESGCM(128)             AEAD
00A2  DHE-DSS-AES128-GCM-SHA256       TLS_DHE_DSS_WITH_AES_128_GCM_SHA256            TLSv1.2  DH    DSS    AESGCM(128)             AEAD
009E  DHE-RSA-AES128-GCM-SHA256       TLS_DHE_RSA_WITH_AES_128_GCM_SHA256            TLSv1.2  DH    RSA    AESGCM(128)             AEAD
C0AE  ECDHE-ECDSA-AES128-CCM8         TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8             TLSv1.2  ECDH  ECDSA  AESCCM8(128)            AEAD
C0AC  ECDHE-ECDSA-AES128-CCM          TLS_ECDHE_ECDSA_WITH_AES_128_CCM               TLSv1.2  ECDH  ECDSA  AESCCM(128)             AEAD
C0A2  DHE-RSA-AES128-CCM8             TLS_DHE_RSA_WITH_AES_128_CCM_8                 TLSv1.2  DH    RSA    AESCCM8(128)            AEAD
C09E  DHE-RSA-AES128-CCM              TLS_DHE_RSA_WITH_AES_128_CCM                   TLSv1.2  DH    RSA    AESCCM(128)             AEAD
C05C  ECDHE-ECDSA-ARIA128-GCM-SHA256  TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256       TLSv1.2  ECDH  ECDSA  ARIAGCM(128)            AEAD
C060  ECDHE-ARIA128-GCM-SHA256        TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256         TLSv1.2  ECDH  RSA    ARIAGCM(128)            AEAD
C056  DHE-DSS-ARIA128-GCM-SHA256      TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256           TLSv1.2  DH    DSS    ARIAGCM(128)            AEAD
C052  DHE-RSA-ARIA128-GCM-SHA256      TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256           TLSv1.2  DH    RSA    ARIAGCM(128)            AEAD
00A6  ADH-AES128-GCM-SHA256           TLS_DH_anon_WITH_AES_128_GCM_SHA256            TLSv1.2  DH    None   AESGCM(128)             AEAD
C024  ECDHE-ECDSA-AES256-SHA384       TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384        TLSv1.2  ECDH  ECDSA  AES(256)                SHA384
C028  ECDHE-RSA-AES256-SHA384         TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384          TLSv1.2  ECDH  RSA    AES(256)                SHA384
006B  DHE-RSA-AES256-SHA256           TLS_DHE_RSA_WITH_AES_256_CBC_SHA256            TLSv1.2  DH    RSA    AES(256)                SHA256
006A  DHE-DSS-AES256-SHA256           TLS_DHE_DSS_WITH_AES_256_CBC_SHA256            TLSv1.2  DH    DSS    AES(256)                SHA256
C073  ECDHE-ECDSA-CAMELLIA256-SHA384  TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384   TLSv1.2  ECDH  ECDSA  Camellia(256)           SHA384
C077  ECDHE-RSA-CAMELLIA256-SHA384    TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384     TLSv1.2  ECDH  RSA    Camellia(256)           SHA384
00C4  DHE-RSA-CAMELLIA256-SHA256      TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256       TLSv1.2  DH    RSA    Camellia(256)           SHA256
00C3  DHE-DSS-CAMELLIA256-SHA256      TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256       TLSv1.2  DH    DSS    Camellia(256)           SHA256
006D  ADH-AES256-SHA256               TLS_DH_anon_WITH_AES_256_CBC_SHA256            TLSv1.2  DH    None   AES(256)                SHA256
00C5  ADH-CAMELLIA256-SHA256          TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256       TLSv1.2  DH    None   Camellia(256)           SHA256
C023  ECDHE-ECDSA-AES128-SHA256       TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256        TLSv1.2  ECDH  ECDSA  AES(128)                SHA256
C027  ECDHE-RSA-AES128-SHA256         TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256          TLSv1.2  ECDH  RSA    AES(128)                SHA256
0067  DHE-RSA-AES128-SHA256           TLS_DHE_RSA_WITH_AES_128_CBC_SHA256            TLSv1.2  DH    RSA    AES(128)                SHA256
0040  DHE-DSS-AES128-SHA256           TLS_DHE_DSS_WITH_AES_128_CBC_SHA256            TLSv1.2  DH    DSS    AES(128)                SHA256
C072  ECDHE-ECDSA-CAMELLIA128-SHA256  TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256   TLSv1.2  ECDH  ECDSA  Camellia(128)           SHA256
C076  ECDHE-RSA-CAMELLIA128-SHA256    TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256     TLSv1.2  ECDH  RSA    Camellia(128)           SHA256
00BE  DHE-RSA-CAMELLIA128-SHA256      TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256       TLSv1.2  DH    RSA    Camellia(128)           SHA256
00BD  DHE-DSS-CAMELLIA128-SHA256      TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256       TLSv1.2  DH    DSS    Camellia(128)           SHA256
006C  ADH-AES128-SHA256               TLS_DH_anon_WITH_AES_128_CBC_SHA256            TLSv1.2  DH    None   AES(128)                SHA256
00BF  ADH-CAMELLIA128-SHA256          TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256       TLSv1.2  DH    None   Camellia(128)           SHA256
C00A  ECDHE-ECDSA-AES256-SHA          TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA           TLSv1    ECDH  ECDSA  AES(256)                SHA1
C014  ECDHE-RSA-AES256-SHA            TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA             TLSv1    ECDH  RSA    AES(256)                SHA1
0039  DHE-RSA-AES256-SHA              TLS_DHE_RSA_WITH_AES_256_CBC_SHA               SSLv3    DH    RSA    AES(256)                SHA1
0038  DHE-DSS-AES256-SHA              TLS_DHE_DSS_WITH_AES_256_CBC_SHA               SSLv3    DH    DSS    AES(256)                SHA1
0088  DHE-RSA-CAMELLIA256-SHA         TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA          SSLv3    DH    RSA    Camellia(256)           SHA1
0087  DHE-DSS-CAMELLIA256-SHA         TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA          SSLv3    DH    DSS    Camellia(256)           SHA1
C019  AECDH-AES256-SHA                TLS_ECDH_anon_WITH_AES_256_CBC_SHA             TLSv1    ECDH  None   AES(256)                SHA1
003A  ADH-AES256-SHA                  TLS_DH_anon_WITH_AES_256_CBC_SHA               SSLv3    DH    None   AES(256)                SHA1
0089  ADH-CAMELLIA256-SHA             TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA          SSLv3    DH    None   Camellia(256)           SHA1
C009  ECDHE-ECDSA-AES128-SHA          TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA           TLSv1    ECDH  ECDSA  AES(128)                SHA1
C013  ECDHE-RSA-AES128-SHA            TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA             TLSv1    ECDH  RSA    AES(128)                SHA1
0033  DHE-RSA-AES128-SHA              TLS_DHE_RSA_WITH_AES_128_CBC_SHA               SSLv3    DH    RSA    AES(128)                SHA1
0032  DHE-DSS-AES128-SHA              TLS_DHE_DSS_WITH_AES_128_CBC_SHA               SSLv3    DH    DSS    AES(128)                SHA1
0045  DHE-RSA-CAMELLIA128-SHA         TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA          SSLv3    DH    RSA    Camellia(128)           SHA1
0044  DHE-DSS-CAMELLIA128-SHA         TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA          SSLv3    DH    DSS    Camellia(128)           SHA1
C018  AECDH-AES128-SHA                TLS_ECDH_anon_WITH_AES_128_CBC_SHA             TLSv1    ECDH  None   AES(128)                SHA1
0034  ADH-AES128-SHA                  TLS_DH_anon_WITH_AES_128_CBC_SHA               SSLv3    DH    None   AES(128)                SHA1
0046  ADH-CAMELLIA128-SHA             TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA          SSLv3    DH    None   Camellia(128)           SHA1
009D  AES256-GCM-SHA384               TLS_RSA_WITH_AES_256_GCM_SHA384                TLSv1.2  RSA   RSA    AESGCM(256)             AEAD
C0A1  AES256-CCM8                     TLS_RSA_WITH_AES_256_CCM_8                     TLSv1.2  RSA   RSA    AESCCM8(256)            AEAD
C09D  AES256-CCM                      TLS_RSA_WITH_AES_256_CCM                       TLSv1.2  RSA   RSA    AESCCM(256)             AEAD
C051  ARIA256-GCM-SHA384              TLS_RSA_WITH_ARIA_256_GCM_SHA384               TLSv1.2  RSA   RSA    ARIAGCM(256)            AEAD
009C  AES128-GCM-SHA256               TLS_RSA_WITH_AES_128_GCM_SHA256                TLSv1.2  RSA   RSA    AESGCM(128)             AEAD
C0A0  AES128-CCM8                     TLS_RSA_WITH_AES_128_CCM_8                     TLSv1.2  RSA   RSA    AESCCM8(128)            AEAD
C09C  AES128-CCM                      TLS_RSA_WITH_AES_128_CCM                       TLSv1.2  RSA   RSA    AESCCM(128)             AEAD
C050  ARIA128-GCM-SHA256              TLS_RSA_WITH_ARIA_128_GCM_SHA256               TLSv1.2  RSA   RSA    ARIAGCM(128)            AEAD
003D  AES256-SHA256                   TLS_RSA_WITH_AES_256_CBC_SHA256                TLSv1.2  RSA   RSA    AES(256)                SHA256
00C0  CAMELLIA256-SHA256              TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256           TLSv1.2  RSA   RSA    Camellia(256)           SHA256
003C  AES128-SHA256                   TLS_RSA_WITH_AES_128_CBC_SHA256                TLSv1.2  RSA   RSA    AES(128)                SHA256
00BA  CAMELLIA128-SHA256              TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256           TLSv1.2  RSA   RSA    Camellia(128)           SHA256
0035  AES256-SHA                      TLS_RSA_WITH_AES_256_CBC_SHA                   SSLv3    RSA   RSA    AES(256)                SHA1
0084  CAMELLIA256-SHA                 TLS_RSA_WITH_CAMELLIA_256_CBC_SHA              SSLv3    RSA   RSA    Camellia(256)           SHA1
002F  AES128-SHA                      TLS_RSA_WITH_AES_128_CBC_SHA                   SSLv3    RSA   RSA    AES(128)                SHA1
0041  CAMELLIA128-SHA                 TLS_RSA_WITH_CAMELLIA_128_CBC_SHA              SSLv3    RSA   RSA    Camellia(128)           SHA1
C006  ECDHE-ECDSA-NULL-SHA            TLS_ECDHE_ECDSA_WITH_NULL_SHA                  TLSv1    ECDH  ECDSA  None                    SHA1
C010  ECDHE-RSA-NULL-SHA              TLS_ECDHE_RSA_WITH_NULL_SHA                    TLSv1    ECDH  RSA    None                    SHA1
C015  AECDH-NULL-SHA                  TLS_ECDH_anon_WITH_NULL_SHA                    TLSv1    ECDH  None   None                    SHA1
003B  NULL-SHA256                     TLS_RSA_WITH_NULL_SHA256                       TLSv1.2  RSA   RSA    None                    SHA256
0002  NULL-SHA                        TLS_RSA_WITH_NULL_SHA                          SSLv3    RSA   RSA    None                    SHA1
0001  NULL-MD5                        TLS_RSA_WITH_NULL_MD5                          SSLv3    RSA   RSA    None                    MD5
1304  TLS_AES_128_CCM_SHA256          TLS_AES_128_CCM_SHA256                         TLSv1.3  any   any    AESCCM(128)             AEAD
1305  TLS_AES_128_CCM_8_SHA256        TLS_AES_128_CCM_8_SHA256                       TLSv1.3  any   any    AESCCM8(128)            AEAD
C008  ECDHE-ECDSA-DES-CBC3-SHA        TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA          TLSv1    ECDH  ECDSA  3DES(168)               SHA1
C012  ECDHE-RSA-DES-CBC3-SHA          TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA            TLSv1    ECDH  RSA    3DES(168)               SHA1
0016  EDH-RSA-DES-CBC3-SHA            TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA              SSLv3    DH    RSA    3DES(168)               SHA1
000A  DES-CBC3-SHA                    TLS_RSA_WITH_3DES_EDE_CBC_SHA                  SSLv3    RSA   RSA    3DES(168)               SHA1
C007  ECDHE-ECDSA-RC4-SHA             TLS_ECDHE_ECDSA_WITH_RC4_128_SHA               TLSv1    ECDH  ECDSA  RC4(128)                SHA1
C011  ECDHE-RSA-RC4-SHA               TLS_ECDHE_RSA_WITH_RC4_128_SHA                 TLSv1    ECDH  RSA    RC4(128)                SHA1
0005  RC4-SHA                         TLS_RSA_WITH_RC4_128_SHA                       SSLv3    RSA   RSA    RC4(128)                SHA1
0004  RC4-MD5                         TLS_RSA_WITH_RC4_128_MD5                       SSLv3    RSA   RSA    RC4(128)                MD5
0007  IDEA-CBC-SHA                    TLS_RSA_WITH_IDEA_CBC_SHA                      SSLv3    RSA   RSA    IDEA(128)               SHA1
0096  SEED-SHA                        TLS_RSA_WITH_SEED_CBC_SHA                      SSLv3    RSA   RSA    SEED(128)               SHA1
0009  DES-CBC-SHA                     TLS_RSA_WITH_DES_CBC_SHA                       SSLv3    RSA   RSA    DES(56)                 SHA1
0015  EDH-RSA-DES-CBC-SHA             TLS_DHE_RSA_WITH_DES_CBC_SHA                   SSLv3    DH    RSA    DES(56)                 SHA1
0003  EXP-RC4-MD5                     TLS_RSA_EXPORT_WITH_RC4_40_MD5                 SSLv3    RSA   RSA    RC4(40)                 MD5
0006  EXP-RC2-CBC-MD5                 TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5             SSLv3    RSA   RSA    RC2(40)                 MD5
0008  EXP-DES-CBC-SHA                 TLS_RSA_EXPORT_WITH_DES40_CBC_SHA              SSLv3    RSA   RSA    DES(40)                 SHA1
0014  EXP-EDH-RSA-DES-CBC-SHA         TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA          SSLv3    DH    RSA    DES(40)                 SHA1
`;

export interface CipherMeta extends CipherSuite {
  /** Lowest protocol version the suite exists in (`SSLv3` = also TLS 1.0). */
  minVersion: 'SSLv3' | 'TLSv1' | 'TLSv1.2' | 'TLSv1.3';
  mac: string;
}

function classify(kx: string, au: string, enc: string, bits: number, mac: string): { forwardSecrecy: boolean; aead: boolean; strength: CipherStrength } {
  const forwardSecrecy = kx === 'any' || kx === 'ECDH' || kx === 'DH';
  const aead = mac === 'AEAD';
  const insecure = enc === 'None' || au === 'None' || bits < 112 || /^(RC4|RC2|DES|3DES)$/.test(enc) || mac === 'MD5';
  const strength: CipherStrength = insecure ? 'insecure' : !forwardSecrecy ? 'weak' : aead ? 'strong' : 'acceptable';
  return { forwardSecrecy, aead, strength };
}

function parseTable(): CipherMeta[] {
  const suites: CipherMeta[] = [];
  for (const line of TABLE.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const [code, name, iana, minVersion, keyExchange, authentication, encField, mac] = cols as [
      string,
      string,
      string,
      CipherMeta['minVersion'],
      string,
      string,
      string,
      string,
    ];
    const m = /^([^(]+)\((\d+)\)$/.exec(encField);
    const encryption = m ? m[1]! : encField;
    const bits = m ? Number(m[2]) : 0;
    suites.push({
      code,
      name,
      iana,
      minVersion,
      keyExchange,
      authentication,
      encryption,
      bits,
      mac,
      ...classify(keyExchange, authentication, encryption, bits, mac),
    });
  }
  return suites;
}

export const CIPHER_SUITES: readonly CipherMeta[] = parseTable();
const byName = new Map(CIPHER_SUITES.map((s) => [s.name, s]));
const byIana = new Map(CIPHER_SUITES.map((s) => [s.iana, s]));

/** Metadata for an OpenSSL or IANA suite name (as Node's getCipher() returns both). */
export function cipherMeta(name: string): CipherMeta | undefined {
  return byName.get(name) ?? byIana.get(name);
}

/** The evidence form of a suite (drops table-only fields). */
export function toCipherSuite(meta: CipherMeta): CipherSuite {
  const { minVersion: _minVersion, mac: _mac, ...suite } = meta;
  return suite;
}

let offerable: { offerable: CipherMeta[]; untested: CipherMeta[] } | undefined;

/** Which suites this Node/OpenSSL build can put in a ClientHello (3DES/RC4/export usually cannot). Computed once. */
export function offerableSuites(): { offerable: CipherMeta[]; untested: CipherMeta[] } {
  if (offerable) return offerable;
  const result = { offerable: [] as CipherMeta[], untested: [] as CipherMeta[] };
  for (const suite of CIPHER_SUITES) {
    // A TLS 1.3 suite alone leaves the TLS 1.2 list empty, which Node accepts; a 1.2 suite needs the level lowered.
    const ciphers = suite.minVersion === 'TLSv1.3' ? `${suite.name}:ALL:@SECLEVEL=0` : `${suite.name}:@SECLEVEL=0`;
    try {
      createSecureContext({ ciphers, minVersion: 'TLSv1' });
      result.offerable.push(suite);
    } catch {
      result.untested.push(suite);
    }
  }
  offerable = result;
  return result;
}

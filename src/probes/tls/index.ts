export { probeTls, type ProbeTlsOptions } from './probe.js';
export { negotiateStartTls, PROBE_EHLO_NAME, StartTlsRefused } from './starttls.js';
export { cipherMeta, CIPHER_SUITES, offerableSuites } from './ciphers.js';
export { describeCertificate, signatureAlgorithmOf } from './certificate.js';
export { certificateHandshake, type CertificateHandshakeOptions, probeCertificate } from './certificate-check.js';
export type * from './types.js';
export { TLS_VERSIONS } from './types.js';

import type { SecureContextOptions } from 'node:tls';
import type { IssuedCert } from './ca.js';
import type { WorldTls } from './world/schema.js';

/**
 * TLS options for a lab endpoint. Old protocol versions need OpenSSL's security level 0 to be
 * offered at all (Node 20's OpenSSL 3 refuses TLS 1.0/1.1 at the default level), so an endpoint
 * that allows them gets that cipher string unless the world gives its own.
 */
export function secureOptions(tls: WorldTls, cert: IssuedCert): SecureContextOptions {
  const legacy = tls.minVersion === 'TLSv1' || tls.minVersion === 'TLSv1.1';
  const ciphers = tls.ciphers ?? (legacy || cert.variant === 'weak-key' || cert.variant === 'sha1' ? 'DEFAULT:@SECLEVEL=0' : undefined);
  return {
    key: cert.keyPem,
    cert: cert.certPem,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    ...(ciphers ? { ciphers } : {}),
  };
}

import { readFileSync } from 'node:fs';
import type { Endpoint } from './transport.js';

const FALLBACK: Endpoint = { host: '127.0.0.1', port: 53 };

/** The first `nameserver` of a resolv.conf text, or undefined. */
export function firstNameserver(resolvConf: string): Endpoint | undefined {
  for (const line of resolvConf.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!match) continue;
    // Strip an IPv6 zone id (fe80::1%eth0): sockets take the address without it here.
    const host = match[1]!.replace(/%.*$/, '');
    return { host, port: 53 };
  }
  return undefined;
}

/** The system resolver: the first nameserver of /etc/resolv.conf (127.0.0.1:53 when there is none). */
export function defaultResolver(path = '/etc/resolv.conf'): Endpoint {
  try {
    return firstNameserver(readFileSync(path, 'utf8')) ?? FALLBACK;
  } catch {
    return FALLBACK;
  }
}

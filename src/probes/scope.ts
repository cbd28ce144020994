import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { VigilError } from '../errors.js';

/**
 * Which hosts monitors and assessments may reach (vigil.yaml `network.targets` plus what the
 * organisation declares). vigil runs inside the agency's network: without a scope, anyone who
 * may create a monitor could make vigil knock on internal services or the cloud metadata
 * endpoint. Pure: no lookups here; the connectors call `allowsAddress` with the address they are
 * about to connect to, so a name re-pointed after it was accepted (DNS rebinding) is refused too.
 *
 * - By name (`allowsHost`, when a monitor or run is created): a domain entry covers itself and its
 *   subdomains; an IP literal must fall in a listed IP/CIDR entry.
 * - By address (`allowsAddress`, at connect time): a listed IP/CIDR, or else a public unicast
 *   address. Private, loopback, shared, unique-local and other special ranges must be listed.
 * - Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) only when
 *   an entry lying inside those ranges lists them: a broad entry such as 0.0.0.0/0 does not.
 */

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Ranges reachable only when listed explicitly (metadata services live here). */
const METADATA_RANGES: Cidr[] = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'].map((text) => ipaddr.parseCIDR(text));

export type ScopeEntry = { kind: 'domain'; name: string; text: string } | { kind: 'cidr'; range: Cidr; text: string };

/** Lower-case ASCII (punycode) without a trailing dot; undefined when it is not a host name. */
export function normaliseHostName(value: string): string | undefined {
  const trimmed = value.trim().replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253) return undefined;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii) return undefined;
  const labels = ascii.split('.');
  if (!labels.every((label) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label))) return undefined;
  return ascii;
}

/** An address as ipaddr.js reads it, IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 it is. */
function parseAddress(value: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = value
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return undefined;
  // ipaddr.js also accepts "1", "0x7f.1" and other inet_aton forms; only dotted quads count here.
  if (!bare.includes(':') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(bare)) return undefined;
  return ipaddr.process(bare);
}

function contains(range: Cidr, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return range[0].kind() === address.kind() && address.match(range);
}

/** Parse one `network.targets` entry: a domain, an IP address or a CIDR. Throws on anything else. */
export function parseScopeEntry(value: string): ScopeEntry {
  const text = value.trim();
  if (text.includes('/')) {
    const [base, bits] = text.split('/');
    const address = parseAddress(base ?? '');
    const prefix = Number(bits);
    const max = base?.includes(':') ? 128 : 32;
    if (address && /^\d{1,3}$/.test(bits ?? '') && prefix <= max) {
      // The mapped form (::ffff:a.b.c.d/104) becomes the IPv4 range it means.
      const range: Cidr = address.kind() === 'ipv4' && base?.includes(':') ? [address, Math.max(0, prefix - 96)] : [address, prefix];
      // ipaddr.js matches on the prefix bits only; a base with host bits set still means its network.
      return { kind: 'cidr', range, text };
    }
    throw new VigilError('network.bad-target', `"${value}" is not a CIDR range`, { hint: 'e.g. 10.20.0.0/16 or 2001:db8::/32' });
  }
  const address = parseAddress(text);
  if (address) return { kind: 'cidr', range: [address, address.kind() === 'ipv6' ? 128 : 32], text };
  const name = normaliseHostName(text.replace(/^\*\./, ''));
  if (name) return { kind: 'domain', name, text };
  throw new VigilError('network.bad-target', `"${value}" is not a domain name, an IP address or a CIDR range`, {
    hint: 'e.g. example.gov.vn (covers its subdomains), 203.0.113.10 or 10.20.0.0/16',
  });
}

export class NetworkScope {
  private readonly domains: string[];
  private readonly ranges: Cidr[];

  private constructor(readonly entries: readonly ScopeEntry[]) {
    this.domains = entries.flatMap((entry) => (entry.kind === 'domain' ? [entry.name] : []));
    this.ranges = entries.flatMap((entry) => (entry.kind === 'cidr' ? [entry.range] : []));
  }

  /** A scope from entries as written (invalid entries throw `network.bad-target`). */
  static of(entries: Iterable<string>): NetworkScope {
    const parsed = new Map<string, ScopeEntry>();
    for (const value of entries) {
      const entry = parseScopeEntry(value);
      const key = entry.kind === 'domain' ? entry.name : `${entry.range[0].toString()}/${entry.range[1]}`;
      if (!parsed.has(key)) parsed.set(key, entry);
    }
    return new NetworkScope([...parsed.values()]);
  }

  /** This scope with more entries. */
  with(entries: Iterable<string>): NetworkScope {
    return NetworkScope.of([...this.entries.map((entry) => entry.text), ...entries]);
  }

  /** May a monitor or run name this host (a name, or an IP literal)? */
  allowsHost(host: string): boolean {
    const address = parseAddress(host);
    if (address) return this.listed(address);
    const name = normaliseHostName(host);
    if (!name) return false;
    return this.domains.some((domain) => name === domain || name.endsWith(`.${domain}`));
  }

  /** May a probe connect to this address (checked right before every connect)? */
  allowsAddress(ip: string): boolean {
    const address = parseAddress(ip);
    if (!address) return false;
    if (this.listed(address)) return true;
    return address.range() === 'unicast';
  }

  /** In a listed range; metadata/link-local only through an entry lying inside those ranges. */
  private listed(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    const special = METADATA_RANGES.find((range) => contains(range, address));
    return this.ranges.some(
      (range) => contains(range, address) && (!special || (range[1] >= special[1] && contains(special, range[0] as ipaddr.IPv4 | ipaddr.IPv6))),
    );
  }
}

const OUT_OF_SCOPE_HINT = 'add it to network.targets in vigil.yaml / thêm vào network.targets trong vigil.yaml';

/** The error for a host refused by name (API: monitor or run creation), for every role. */
export function outOfScopeHost(host: string): VigilError {
  return new VigilError('network.out-of-scope', `${host} nằm ngoài phạm vi mạng được phép / is outside the network scope vigil may reach (network.targets)`, {
    status: 403,
    hint: OUT_OF_SCOPE_HINT,
  });
}

/**
 * For the API (monitor create/patch, assessment runs): refuse any host outside the scope by name,
 * for every role — an admin may widen the scope only by editing vigil.yaml.
 */
export function assertHostsInScope(scope: NetworkScope | undefined, hosts: Iterable<string>): void {
  if (!scope) return;
  for (const host of hosts) if (!scope.allowsHost(host)) throw outOfScopeHost(host);
}

/** Code set on the error thrown at connect time, so probes can report the outcome `out-of-scope`. */
export const OUT_OF_SCOPE_CODE = 'VIGIL_OUT_OF_SCOPE';

/**
 * The one check every connector makes with the address it is about to connect to. Without a
 * scope in the context (library use, unit tests of a probe) everything is allowed.
 */
export function assertAddressInScope(scope: NetworkScope | undefined, address: string, host: string = address): void {
  if (!scope || scope.allowsAddress(address)) return;
  const error = new VigilError(
    'network.out-of-scope',
    `out-of-scope: ${host === address ? address : `${host} → ${address}`} is outside the network scope (network.targets); not connecting`,
    { status: 403, hint: OUT_OF_SCOPE_HINT },
  );
  (error as VigilError & { code: string }).code = OUT_OF_SCOPE_CODE;
  throw error;
}

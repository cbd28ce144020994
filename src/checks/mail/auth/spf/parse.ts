/**
 * RFC 7208 record grammar (§4.6, §5, §6, §12). The whole record is parsed before anything is
 * evaluated: a syntax error anywhere is a permerror (§4.6).
 */
import { isIPv6 } from '../../../../net-address.js';
import { type MacroString, parseDomainSpec, parseMacroString, printable, SpfSyntaxError } from './macro.js';

export type Qualifier = '+' | '-' | '~' | '?';
export type MechanismKind = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface Mechanism {
  kind: MechanismKind;
  qualifier: Qualifier;
  /** The term as written, for traces. */
  text: string;
  domainSpec?: MacroString | undefined;
  cidr4?: number | undefined;
  cidr6?: number | undefined;
  /** ip4/ip6: the network address bytes. */
  network?: number[] | undefined;
}

export interface ParsedSpfRecord {
  mechanisms: Mechanism[];
  redirect?: MacroString | undefined;
  exp?: MacroString | undefined;
  unknownModifiers: { name: string; value: string }[];
  /** Terms after an `all` mechanism (they are never evaluated; a common mistake). */
  termsAfterAll: string[];
}

/** Mechanisms and modifiers that cost a DNS lookup (§4.6.4). */
export const DNS_MECHANISMS: ReadonlySet<MechanismKind> = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

const VERSION = /^v=spf1(?: |$)/i;

/** Whether a TXT record (its strings joined without separator, §3.3) is an SPF record. */
export function isSpfRecord(text: string): boolean {
  return VERSION.test(text);
}

export { SpfSyntaxError };

export function parseSpfRecord(text: string): ParsedSpfRecord {
  if (!isSpfRecord(text)) throw new SpfSyntaxError('record does not start with "v=spf1"');
  // §3.1: SPF records are 7-bit ASCII. Only SP separates terms (§4.6.1): other whitespace is a syntax error.
  if (/[^\x00-\x7f]/.test(text)) throw new SpfSyntaxError(`record contains non-ASCII characters: "${printable(text)}"`);
  const terms = text
    .slice(6)
    .split(' ')
    .filter((t) => t !== '');
  const record: ParsedSpfRecord = { mechanisms: [], unknownModifiers: [], termsAfterAll: [] };
  let sawAll = false;
  for (const term of terms) {
    const modifier = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s.exec(term);
    if (modifier) {
      const name = modifier[1]!.toLowerCase();
      const value = modifier[2]!;
      if (name === 'redirect' || name === 'exp') {
        if (record[name]) throw new SpfSyntaxError(`"${name}=" appears more than once`);
        record[name] = parseDomainSpec(value);
      } else {
        parseMacroString(value); // unknown modifiers are ignored but must be valid macro-strings
        record.unknownModifiers.push({ name, value });
      }
      if (sawAll) record.termsAfterAll.push(term);
      continue;
    }
    const mechanism = parseMechanism(term);
    if (sawAll) record.termsAfterAll.push(term);
    if (mechanism.kind === 'all') sawAll = true;
    record.mechanisms.push(mechanism);
  }
  return record;
}

function parseMechanism(term: string): Mechanism {
  const match = /^([+\-~?]?)([A-Za-z][A-Za-z0-9_.-]*)(.*)$/s.exec(term);
  if (!match) throw new SpfSyntaxError(`"${printable(term)}" is neither a mechanism nor a modifier`);
  const qualifier = (match[1] || '+') as Qualifier;
  const name = match[2]!.toLowerCase();
  const rest = match[3]!;
  const base = { qualifier, text: term };
  switch (name) {
    case 'all':
      if (rest !== '') throw new SpfSyntaxError(`"all" takes no argument: "${printable(term)}"`);
      return { ...base, kind: 'all' };
    case 'include':
    case 'exists':
      if (!rest.startsWith(':')) throw new SpfSyntaxError(`"${name}" needs ":domain": "${printable(term)}"`);
      return { ...base, kind: name, domainSpec: parseDomainSpec(rest.slice(1)) };
    case 'ptr':
      if (rest === '') return { ...base, kind: 'ptr' };
      if (!rest.startsWith(':')) throw new SpfSyntaxError(`"ptr" takes only ":domain": "${printable(term)}"`);
      return { ...base, kind: 'ptr', domainSpec: parseDomainSpec(rest.slice(1)) };
    case 'a':
    case 'mx': {
      // [ ":" domain-spec ] [ dual-cidr-length ]; the CIDR is whatever numeric suffix ends the term.
      const cidr = /((?:\/\d+)?(?:\/\/\d+)?)$/.exec(rest)![1]!;
      const domainPart = rest.slice(0, rest.length - cidr.length);
      const { cidr4, cidr6 } = parseDualCidr(cidr, term);
      if (domainPart === '') return { ...base, kind: name, cidr4, cidr6 };
      if (!domainPart.startsWith(':')) throw new SpfSyntaxError(`"${name}" takes ":domain" and CIDR lengths: "${printable(term)}"`);
      return { ...base, kind: name, domainSpec: parseDomainSpec(domainPart.slice(1)), cidr4, cidr6 };
    }
    case 'ip4': {
      const ip4 = /^:((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?:\/(0|[1-9]\d?))?$/.exec(rest);
      if (!ip4) throw new SpfSyntaxError(`invalid ip4 network: "${printable(term)}"`);
      const prefix = ip4[2] === undefined ? 32 : Number(ip4[2]);
      if (prefix > 32) throw new SpfSyntaxError(`ip4 prefix length above 32: "${printable(term)}"`);
      return { ...base, kind: 'ip4', network: ip4[1]!.split('.').map(Number), cidr4: prefix };
    }
    case 'ip6': {
      const ip6 = /^:([0-9A-Fa-f:.]+)(?:\/(0|[1-9]\d{0,2}))?$/.exec(rest);
      if (!ip6 || !isIPv6(ip6[1]!)) throw new SpfSyntaxError(`invalid ip6 network: "${printable(term)}"`);
      const prefix = ip6[2] === undefined ? 128 : Number(ip6[2]);
      if (prefix > 128) throw new SpfSyntaxError(`ip6 prefix length above 128: "${printable(term)}"`);
      return { ...base, kind: 'ip6', network: ipv6Bytes(ip6[1]!), cidr6: prefix };
    }
    default:
      throw new SpfSyntaxError(`unknown mechanism "${printable(name)}"`);
  }
}

function parseDualCidr(cidr: string, term: string): { cidr4: number | undefined; cidr6: number | undefined } {
  const match = /^(?:\/(0|[1-9]\d?))?(?:\/\/(0|[1-9]\d{0,2}))?$/.exec(cidr);
  if (!match) throw new SpfSyntaxError(`invalid CIDR length in "${printable(term)}"`);
  const cidr4 = match[1] === undefined ? undefined : Number(match[1]);
  const cidr6 = match[2] === undefined ? undefined : Number(match[2]);
  if (cidr4 !== undefined && cidr4 > 32) throw new SpfSyntaxError(`IPv4 prefix length above 32 in "${printable(term)}"`);
  if (cidr6 !== undefined && cidr6 > 128) throw new SpfSyntaxError(`IPv6 prefix length above 128 in "${printable(term)}"`);
  return { cidr4, cidr6 };
}

/** The 16 bytes of a valid IPv6 address text (including an embedded dotted IPv4 tail). */
export function ipv6Bytes(text: string): number[] {
  let head = text;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4.slice(1, 5).map(Number));
    head = `${text.slice(0, v4.index)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array.from({ length: right === undefined ? 0 : missing }, () => '0'), ...rightGroups].map((g) =>
    Number.parseInt(g || '0', 16),
  );
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

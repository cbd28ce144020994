/**
 * Pure IP-literal tests with the answers of Node's `net.isIP` (dotted quads without leading
 * zeros; IPv6 with `::`, an embedded dotted quad and an optional zone id). Code outside
 * src/probes validates addresses here instead of importing a network module, so the rule "only
 * probes import node:net" stays one line. No imports: the CLI loads it at start-up
 * (test/cli-startup.test.ts), and the pure checks (SPF) use it too.
 */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /%[0-9a-zA-Z.:-]+$/;

export function isIPv4(value: string): boolean {
  return typeof value === 'string' && IPV4.test(value);
}

export function isIPv6(value: string): boolean {
  if (typeof value !== 'string' || !value.includes(':')) return false;
  let text = value.replace(ZONE, '');
  if (text.includes('%')) return false;
  // An embedded IPv4 (::ffff:192.0.2.1) stands for the last two groups.
  let groupsOfTail = 0;
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':');
    if (!isIPv4(text.slice(cut + 1))) return false;
    // Keep the ':' before the quad when it is part of "::".
    text = text[cut - 1] === ':' ? text.slice(0, cut + 1) : text.slice(0, cut);
    groupsOfTail = 2;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): number => {
    if (half === '') return 0;
    const parts = half.split(':');
    return parts.every((part) => HEX_GROUP.test(part)) ? parts.length : Number.NaN;
  };
  if (halves.length === 1) return groups(halves[0]!) + groupsOfTail === 8;
  const count = groups(halves[0]!) + groups(halves[1]!) + groupsOfTail;
  // "::" stands for at least one group.
  return count <= 7;
}

/** 4 or 6 for an IPv4 or IPv6 literal, 0 for anything else (as `net.isIP`). */
export function isIP(value: string): 0 | 4 | 6 {
  if (isIPv4(value)) return 4;
  return isIPv6(value) ? 6 : 0;
}

import type { IssuedCert } from './ca.js';
import type { DnsRecord } from './dns/types.js';
import type { ParsedWorld } from './world/schema.js';

const SERIAL = 2026010101;

/** `@` → the zone; `name.` → absolute; anything else is relative to the zone. */
export function absoluteName(name: string, zone: string): string {
  if (name === '@') return zone;
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return `${name}.${zone}`.toLowerCase();
}

function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/**
 * Every record the lab's DNS serves: the zones' own records, an A record per host name, PTRs,
 * and a SOA/NS (with ns1.ZONE → the lab resolver) for zones that give none. TLSA records with
 * `certificate: "auto:NAME"` get the SPKI SHA-256 of the certificate issued for NAME's mail service.
 */
export function buildDnsRecords(world: ParsedWorld, mailCertByName: Map<string, IssuedCert>): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (const zone of world.dns.zones) {
    const own = zone.records.map((record): DnsRecord => {
      let data = record.data;
      if (record.type === 'TLSA' && data && typeof data === 'object') {
        const tlsa = data as { usage: number; selector: number; matchingType: number; certificate: string };
        if (typeof tlsa.certificate === 'string' && tlsa.certificate.startsWith('auto:')) {
          const cert = mailCertByName.get(tlsa.certificate.slice(5).toLowerCase());
          const hash = tlsa.selector === 0 ? cert?.certSha256 : cert?.spkiSha256;
          data = { ...tlsa, certificate: hash ?? '00'.repeat(32) };
        }
      }
      return { name: absoluteName(record.name, zone.name), type: record.type, ...(record.ttl !== undefined ? { ttl: record.ttl } : {}), data };
    });
    if (!own.some((r) => r.type === 'SOA' && r.name === zone.name)) {
      own.push({
        name: zone.name,
        type: 'SOA',
        data: { mname: `ns1.${zone.name}`, rname: `hostmaster.${zone.name}`, serial: SERIAL, refresh: 3600, retry: 600, expire: 604800, minimum: 300 },
      });
    }
    if (!own.some((r) => r.type === 'NS' && r.name === zone.name)) {
      own.push({ name: zone.name, type: 'NS', data: `ns1.${zone.name}` });
      own.push({ name: `ns1.${zone.name}`, type: 'A', data: world.dns.ip });
    }
    records.push(...own);
  }
  for (const host of world.hosts) {
    for (const name of host.names) {
      if (!records.some((r) => r.name === name && (r.type === 'A' || r.type === 'CNAME'))) records.push({ name, type: 'A', data: host.ip });
      else if (!records.some((r) => r.name === name && r.type === 'A' && r.data === host.ip) && !records.some((r) => r.name === name && r.type === 'CNAME')) {
        records.push({ name, type: 'A', data: host.ip });
      }
    }
    if (host.ptr) records.push({ name: reverseName(host.ip), type: 'PTR', data: host.ptr });
  }
  return records;
}

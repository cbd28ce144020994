import { errorText, watchDnsClient } from '../../probes/connect.js';
import type { ProbeContext } from '../../probes/context.js';
import { parseHostPort } from '../../probes/context.js';
import type { DnsAnswerRecord } from '../../probes/dns/types.js';
import { assertAddressInScope } from '../../probes/scope.js';
import type { DnsMonitorConfig } from '../config-schema.js';

export interface DnsEvidence {
  error?: string;
  /** NXDOMAIN / no data: an empty answer, which is a fact, not a failure to ask. */
  empty?: boolean;
  /** Normalised answer values, sorted (MX as "10 mail.example.gov.vn", TXT strings joined). */
  values: string[];
  responseMs: number;
}

/**
 * One query through vigil's DnsClient (the context's resolver, else the system's first
 * nameserver), with no answer cache: each check asks again, so a changed record is seen.
 */
export async function probeDns(config: DnsMonitorConfig, context: ProbeContext): Promise<DnsEvidence> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const server = config.resolver ? parseHostPort(config.resolver, 53) : undefined;
  try {
    // A server the monitor names is a target (the configured network.resolver is not).
    if (server) assertAddressInScope(context.scope, server.host);
    const result = await watchDnsClient(context).query(config.host, config.recordType, { dnssec: false, ...(server ? { server } : {}) });
    if (result.outcome === 'nxdomain' || result.outcome === 'nodata') return { empty: true, values: [], responseMs: elapsed() };
    if (result.outcome !== 'answer') {
      return { error: `${result.outcome}${result.reason ? `: ${result.reason}` : ''} (${result.server})`, values: [], responseMs: elapsed() };
    }
    const values = result.records.filter((record) => record.type === config.recordType).map(valueText);
    return { values: normaliseValues(values), responseMs: elapsed() };
  } catch (error) {
    return { error: errorText(error), values: [], responseMs: elapsed() };
  }
}

function valueText(record: DnsAnswerRecord): string {
  const data = record.data;
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return data.join('');
  if ('exchange' in data) return `${data.preference} ${data.exchange}`;
  return JSON.stringify(data);
}

/** Lower-case names, drop trailing dots, sort: two answers compare equal whatever their order. */
export function normaliseValues(values: string[]): string[] {
  return [
    ...new Set(
      values.map((v) =>
        v
          .trim()
          .replace(/\.$/, '')
          .replace(/\.(\s|$)/g, '$1'),
      ),
    ),
  ].sort();
}

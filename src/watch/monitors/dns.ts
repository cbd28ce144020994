import type { ProbeContext } from '../../probes/context.js';
import { parseHostPort } from '../../probes/context.js';
import { assertAddressInScope } from '../../probes/scope.js';
import type { DnsMonitorConfig } from '../config-schema.js';
import { errorText, resolverFor } from './net.js';

export interface DnsEvidence {
  error?: string;
  /** NXDOMAIN / no data: an empty answer, which is a fact, not a failure to ask. */
  empty?: boolean;
  /** Normalised answer values, sorted (MX as "10 mail.example.gov.vn", TXT strings joined). */
  values: string[];
  responseMs: number;
}

export async function probeDns(config: DnsMonitorConfig, context: ProbeContext): Promise<DnsEvidence> {
  const started = performance.now();
  const server = config.resolver ? parseHostPort(config.resolver, 53) : undefined;
  const resolver = resolverFor(context, server);
  try {
    // A server the monitor names is a target (the configured network.resolver is not).
    if (server) assertAddressInScope(context.scope, server.host);
    const values = await query(resolver, config.host, config.recordType);
    return { values: normaliseValues(values), responseMs: Math.round(performance.now() - started) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { empty: true, values: [], responseMs: Math.round(performance.now() - started) };
    return { error: errorText(error), values: [], responseMs: Math.round(performance.now() - started) };
  }
}

async function query(resolver: ReturnType<typeof resolverFor>, host: string, type: DnsMonitorConfig['recordType']): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(host);
    case 'AAAA':
      return resolver.resolve6(host);
    case 'MX':
      return (await resolver.resolveMx(host)).map((mx) => `${mx.priority} ${mx.exchange}`);
    case 'NS':
      return resolver.resolveNs(host);
    case 'TXT':
      return (await resolver.resolveTxt(host)).map((parts) => parts.join(''));
    case 'CNAME':
      return resolver.resolveCname(host);
  }
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

import { readFileSync } from 'node:fs';
import { VigilError } from '../errors.js';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext, parseHostPort } from '../probes/context.js';
import { configPath, type LoadedConfig } from './load.js';

/**
 * The probe context that vigil.yaml's `network` section describes (resolver, extra CA, port
 * map, timeouts). Background capabilities started by `vigil serve` (watch, assessment jobs) use
 * this; CLI flags such as --resolver/--ca override it per command.
 */
export function probeContextFromConfig(loaded: LoadedConfig): ProbeContext {
  const network = loaded.config.network;
  if (!network) return { ...DEFAULT_PROBE_CONTEXT };
  const extraCaPem = network.ca.map((file) => {
    const path = configPath(loaded, file);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new VigilError('config.ca-unreadable', `cannot read the CA file ${path} named in network.ca: ${(error as Error).message}`, {
        hint: 'fix the path (relative paths are relative to vigil.yaml) or remove the entry',
      });
    }
  });
  return {
    ...DEFAULT_PROBE_CONTEXT,
    ...(network.resolver ? { resolver: parseHostPort(network.resolver, 53) } : {}),
    extraCaPem,
    portMap: { ...network.portMap },
    ...(network.dnsTimeoutMs ? { dnsTimeoutMs: network.dnsTimeoutMs } : {}),
    ...(network.connectTimeoutMs ? { connectTimeoutMs: network.connectTimeoutMs } : {}),
  };
}

import { readFileSync } from 'node:fs';
import { VigilError } from '../errors.js';
import { DEFAULT_PROBE_CONTEXT, parseHostPort } from '../probes/context.js';
import type { WatchProbeContext } from './types.js';

export interface ProbeOptions {
  resolver?: string;
  ca?: string[];
  /** JSON object `{"IP:PORT": port}` or a file holding one. */
  portMap?: string;
  connectTimeoutMs?: number;
}

/** Build the watch's probe context from CLI-style options (`--resolver`, `--ca`, `--port-map`). */
export function watchProbeContext(options: ProbeOptions = {}, now: () => number = Date.now): WatchProbeContext {
  const extraCaPem = (options.ca ?? []).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new VigilError('watch.ca-unreadable', `cannot read CA file ${file}: ${(error as Error).message}`, { hint: 'pass a PEM file with --ca FILE' });
    }
  });
  let portMap: Record<string, number> = {};
  if (options.portMap) {
    const text = options.portMap.trim().startsWith('{') ? options.portMap : readFileSync(options.portMap, 'utf8');
    try {
      portMap = JSON.parse(text) as Record<string, number>;
    } catch {
      throw new VigilError('watch.port-map', 'the port map is not a JSON object of "IP:PORT": port', { hint: 'e.g. --port-map \'{"127.0.10.25:25":30025}\'' });
    }
  }
  return {
    ...DEFAULT_PROBE_CONTEXT,
    ...(options.resolver ? { resolver: parseHostPort(options.resolver, 53) } : {}),
    extraCaPem,
    portMap,
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    now,
  };
}

import type { NetworkScope } from './scope.js';

/**
 * Options shared by every probe (the only code that touches the network). A probe never reads
 * configuration or the store: it receives this context and returns evidence.
 */
export interface ProbeContext {
  /** DNS resolver to query (`--resolver HOST:PORT`); undefined = the system's first nameserver. */
  resolver?: { host: string; port: number } | undefined;
  /** Per-query DNS timeout (`--dns-timeout MS`). */
  dnsTimeoutMs: number;
  /** Retries per DNS query after a timeout. */
  dnsRetries: number;
  /** Extra trusted root certificates (PEM), e.g. the lab CA (`--ca FILE`). */
  extraCaPem: string[];
  /**
   * Where to really connect for IP:PORT. The lab gives every host its own loopback address but
   * listens on unprivileged ports, so `"127.0.10.25:25": 30025` sends SMTP for that host to port
   * 30025 on the same address. Absent entries connect as asked.
   */
  portMap: Record<string, number>;
  /** TCP connect and per-step I/O timeout. */
  connectTimeoutMs: number;
  /**
   * What probes may connect to (vigil.yaml `network.targets` + declared targets): every connector
   * checks the resolved address against it right before connecting. Undefined = no limit (only
   * code that never takes targets from users builds a context without the builder).
   */
  scope?: NetworkScope | undefined;
  /** Abort everything in flight (run deadline, Ctrl-C). */
  signal?: AbortSignal | undefined;
}

export const DEFAULT_PROBE_CONTEXT: ProbeContext = {
  resolver: undefined,
  dnsTimeoutMs: 3_000,
  dnsRetries: 1,
  extraCaPem: [],
  portMap: {},
  connectTimeoutMs: 8_000,
};

/** The address and port to actually connect to for `host:port` under the context's port map. */
export function mappedEndpoint(context: Pick<ProbeContext, 'portMap'>, host: string, port: number): { host: string; port: number } {
  const key = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const mapped = context.portMap[key];
  return { host, port: mapped ?? port };
}

/** Parse `HOST:PORT` (or `[v6]:PORT`, or a bare host with the default port). */
export function parseHostPort(value: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  const i = value.lastIndexOf(':');
  if (i > 0 && value.indexOf(':') === i) return { host: value.slice(0, i), port: Number(value.slice(i + 1)) };
  return { host: value, port: defaultPort };
}

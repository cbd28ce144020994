import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ErrorId, VigilError } from '../errors.js';

/** Capabilities whose flags build a probe context; each has its own `.bad-resolver`, `.bad-json`… ids in the catalogue. */
export type ProbeArea = 'network' | 'assessment' | 'watch';
import { DEFAULT_PROBE_CONTEXT, type ProbeContext, parseHostPort } from '../probes/context.js';
import { NetworkScope } from '../probes/scope.js';
import { configPath, type LoadedConfig } from './load.js';
import type { VigilConfig } from './schema.js';

/** Probe settings given on the command line (`vigil assess …`, `vigil watch`). */
export interface ProbeFlags {
  resolver?: string | undefined;
  /** Milliseconds, as typed. */
  dnsTimeout?: string | undefined;
  ca?: string[] | undefined;
  /** `{"IP:PORT": port}` inline or a file holding it. */
  portMap?: string | undefined;
  /** The JSON line `vigil lab --json` printed, inline or a file (resolver, CA and port map at once). */
  lab?: string | undefined;
}

/** What a running lab contributes (src/lab's RunningLab has all of it). */
export interface LabNetwork {
  resolver: { host: string; port: number };
  caPem: string;
  portMap: Record<string, number>;
  domains: string[];
}

export interface BuildProbeContextOptions {
  /** vigil.yaml: its `network:` section and the targets it declares (the default scope). */
  config?: LoadedConfig | undefined;
  flags?: ProbeFlags | undefined;
  /** The lab when it runs in this process (`vigil demo`, tests). */
  lab?: LabNetwork | undefined;
  /** Prefix of flag error ids (`assessment.bad-resolver`, `watch.bad-port-map`…): the command's capability. */
  area?: ProbeArea | undefined;
}

/** The lab answers fast on loopback: shorter timeouts than the internet needs. */
const LAB_TIMEOUTS = { dnsTimeoutMs: 1_000, connectTimeoutMs: 3_000 };

/**
 * THE probe settings builder, used by `vigil assess`, `vigil watch`, `vigil serve` (API runs and
 * the watch), `vigil demo` and the lab: defaults, then vigil.yaml's `network:` section, then the
 * running lab's resolver/CA/port map, then command-line flags. The network scope is the
 * organisation's declared targets + `network.targets` + the port map's addresses (+ loopback and
 * the lab's domains when the lab runs, or `--lab` says it does).
 */
export function buildProbeContext(options: BuildProbeContextOptions = {}): ProbeContext {
  const area = options.area ?? 'network';
  const network = options.config?.config.network;
  const ctx: ProbeContext = { ...DEFAULT_PROBE_CONTEXT, extraCaPem: [], portMap: {} };
  const scopeEntries: string[] = [];

  if (options.config) {
    scopeEntries.push(...declaredTargets(options.config.config));
    if (network) {
      if (network.resolver) ctx.resolver = parseHostPort(network.resolver, 53);
      ctx.extraCaPem.push(...network.ca.map((file) => readCa(configPath(options.config!, file), 'config.ca-unreadable', 'named in network.ca')));
      ctx.portMap = { ...network.portMap };
      if (network.dnsTimeoutMs) ctx.dnsTimeoutMs = network.dnsTimeoutMs;
      if (network.connectTimeoutMs) ctx.connectTimeoutMs = network.connectTimeoutMs;
      scopeEntries.push(...(network.targets ?? []));
    }
  }

  if (options.lab) {
    ctx.resolver = { ...options.lab.resolver };
    ctx.extraCaPem.push(options.lab.caPem);
    ctx.portMap = { ...ctx.portMap, ...options.lab.portMap };
    if (!network?.dnsTimeoutMs) ctx.dnsTimeoutMs = LAB_TIMEOUTS.dnsTimeoutMs;
    if (!network?.connectTimeoutMs) ctx.connectTimeoutMs = LAB_TIMEOUTS.connectTimeoutMs;
    scopeEntries.push(...labScope(options.lab.domains));
  }

  const flags = options.flags ?? {};
  if (flags.lab) {
    const lab = readJsonArg(flags.lab, '--lab', area) as Record<string, unknown>;
    const resolver = lab.resolver;
    if (typeof resolver === 'string') ctx.resolver = parseHostPort(resolver, 53);
    else if (resolver && typeof resolver === 'object')
      ctx.resolver = { host: String((resolver as { host: unknown }).host), port: Number((resolver as { port: unknown }).port) };
    const caFile = lab.caFile ?? lab.ca;
    if (typeof caFile === 'string') ctx.extraCaPem.push(readText(caFile, 'the lab CA', area));
    if (typeof lab.caPem === 'string' && !caFile) ctx.extraCaPem.push(lab.caPem);
    if (lab.portMap) ctx.portMap = { ...ctx.portMap, ...asPortMap(lab.portMap, '--lab portMap', area) };
    const domains = Array.isArray(lab.domains) ? lab.domains.filter((d): d is string => typeof d === 'string') : [];
    scopeEntries.push(...labScope(domains));
  }
  if (flags.resolver) {
    const parsed = parseHostPort(flags.resolver, 53);
    if (!parsed.host || !Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535) {
      throw new VigilError(`${area}.bad-resolver`, `--resolver must be HOST:PORT, got "${flags.resolver}"`);
    }
    ctx.resolver = parsed;
  }
  if (flags.dnsTimeout !== undefined) {
    const ms = Number(flags.dnsTimeout);
    if (!Number.isInteger(ms) || ms < 1 || ms > 120_000) {
      throw new VigilError(`${area}.bad-option`, `--dns-timeout must be a whole number of milliseconds from 1 to 120000, got "${flags.dnsTimeout}"`);
    }
    ctx.dnsTimeoutMs = ms;
  }
  for (const file of flags.ca ?? []) ctx.extraCaPem.push(readText(file, 'CA file', area));
  if (flags.portMap) ctx.portMap = { ...ctx.portMap, ...asPortMap(readJsonArg(flags.portMap, '--port-map', area), '--port-map', area) };

  // Addresses of the port map were written by whoever runs vigil (the lab's, in tests and demo).
  for (const key of Object.keys(ctx.portMap)) {
    const host = parseHostPort(key, 0).host;
    if (host) scopeEntries.push(host);
  }
  ctx.scope = scopeOf(scopeEntries);
  return ctx;
}

/** Loopback and the lab's own domains: in scope only while the lab runs. */
function labScope(domains: string[]): string[] {
  return ['127.0.0.0/8', '::1', ...domains];
}

/** Entries that parse; a malformed declared host (already reported by its own section) is skipped. */
function scopeOf(entries: string[]): NetworkScope {
  const valid: string[] = [];
  for (const entry of entries) {
    try {
      NetworkScope.of([entry]);
      valid.push(entry);
    } catch {
      // network.targets entries are validated by the schema; others are hosts of other sections.
    }
  }
  return NetworkScope.of(valid);
}

/**
 * The default scope: what vigil.yaml declares — mail domains, websites' hosts, monitors' targets.
 * Whoever edits vigil.yaml chose them; `network.targets` adds more.
 */
export function declaredTargets(config: VigilConfig): string[] {
  const hosts: string[] = [...(config.mail?.domains ?? [])];
  for (const site of config.websites ?? []) {
    const host = urlHost(site.url);
    if (host) hosts.push(host);
  }
  for (const monitor of config.monitors ?? []) hosts.push(...monitorHosts(monitor as unknown as Record<string, unknown>));
  return hosts;
}

/** The hosts a monitor connects to (url, host, or the DNS server it queries). */
export function monitorHosts(monitor: Record<string, unknown>): string[] {
  const hosts: string[] = [];
  if (typeof monitor.url === 'string') {
    const host = urlHost(monitor.url);
    if (host) hosts.push(host);
  }
  if (typeof monitor.host === 'string') hosts.push(monitor.host);
  if (typeof monitor.resolver === 'string') hosts.push(parseHostPort(monitor.resolver, 53).host);
  return hosts;
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

function readCa(path: string, id: ErrorId, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new VigilError(id, `cannot read the CA file ${path} ${what}: ${(error as Error).message}`, {
      hint: 'fix the path (relative paths are relative to vigil.yaml) or remove the entry',
    });
  }
}

function readText(file: string, what: string, area: ProbeArea): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new VigilError(`${area}.unreadable`, `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'check the path',
    });
  }
}

function readJsonArg(value: string, what: string, area: ProbeArea): unknown {
  const text = value.trim().startsWith('{') ? value : readText(value, what, area);
  try {
    return JSON.parse(
      text
        .trim()
        .split('\n')
        .find((line) => line.trim().startsWith('{')) ?? text,
    );
  } catch (error) {
    throw new VigilError(`${area}.bad-json`, `${what} is not valid JSON: ${(error as Error).message}`, {
      hint: `give a file or inline JSON, e.g. '{"127.0.10.25:25": 30025}'`,
    });
  }
}

function asPortMap(value: unknown, what: string, area: ProbeArea): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new VigilError(`${area}.bad-port-map`, `${what} must be a JSON object {"IP:PORT": realPort}`);
  const map: Record<string, number> = {};
  for (const [key, port] of Object.entries(value)) {
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      throw new VigilError(`${area}.bad-port-map`, `${what}: "${key}" maps to ${JSON.stringify(port)}, not a port number`);
    }
    map[key] = port as number;
  }
  return map;
}

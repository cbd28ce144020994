import type { MonitorConfig } from './config-schema.js';
import { decideDns, decideHeartbeat, decideHttp, decideSmtp, decideTcp, decideTls } from './decide.js';
import { probeDns } from './monitors/dns.js';
import { type HttpEvidence, probeHttp } from './monitors/http.js';
import { probeSmtp } from './monitors/smtp.js';
import { probeTcp } from './monitors/tcp.js';
import { probeTls } from './monitors/tls.js';
import type { Verdict, WatchProbeContext } from './types.js';

export interface CheckOutcome {
  verdict: Verdict;
  /** The HTTP response, for defacement detection. */
  http?: HttpEvidence;
}

/** Run one monitor's probe and decide its verdict. `memory` is what the previous check left. */
export async function checkMonitor(
  monitor: MonitorConfig,
  context: WatchProbeContext,
  memory: Record<string, unknown> | undefined,
  createdAt: number,
): Promise<CheckOutcome> {
  const probeContext = { ...context, connectTimeoutMs: Math.min(context.connectTimeoutMs, monitor.timeout) };
  switch (monitor.type) {
    case 'http': {
      const http = await probeHttp(monitor, context);
      return { verdict: decideHttp(monitor, http), http };
    }
    case 'tcp':
      return { verdict: decideTcp(monitor, await probeTcp(monitor, probeContext)) };
    case 'dns':
      return { verdict: decideDns(monitor, await probeDns(monitor, probeContext), memory as { values?: string[] } | undefined) };
    case 'tls':
      return { verdict: decideTls(monitor, await probeTls(monitor, probeContext), context.now(), memory as { threshold?: number } | undefined) };
    case 'smtp':
      return { verdict: decideSmtp(monitor, await probeSmtp(monitor, probeContext), context.now()) };
    case 'heartbeat': {
      const last = typeof memory?.lastCallAt === 'number' ? memory.lastCallAt : undefined;
      return { verdict: { ...decideHeartbeat(monitor, last, createdAt, context.now()), memory } };
    }
  }
}

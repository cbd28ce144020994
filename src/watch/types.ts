import type { ProbeContext } from '../probes/context.js';

export type MonitorStatus = 'up' | 'down' | 'degraded';

/** What a check of one monitor concluded (pure decision over the probe's measurements). */
export interface Verdict {
  status: MonitorStatus;
  /** One line a person reads (English; the dashboard adds the Vietnamese label for the status). */
  detail: string;
  responseMs?: number | undefined;
  /** Per-type memory carried to the next check (last DNS answer, last TLS threshold…). */
  memory?: Record<string, unknown> | undefined;
  /** A change the alert engine must report even if the status stays the same (DNS record changed). */
  event?: { kind: string; summary: string; detail?: unknown } | undefined;
}

/** The probe context plus the watch's clock (injectable so tests control time). */
export interface WatchProbeContext extends ProbeContext {
  now(): number;
}

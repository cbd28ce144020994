import type { VigilConfig } from '../config/schema.js';
import type { ProbeContext } from '../probes/context.js';
import type { Store } from '../store/store.js';
import { type RunningWatch, startWatch } from './start.js';

/**
 * For `vigil demo`: watch the lab's sites and services (the monitors of the lab's
 * `organisationConfig()`), with short intervals so a newcomer sees the lab's defacement and
 * stopped service turn into alerts, escalation and watch-log entries within a minute or two.
 *
 *   const watch = await startDemoWatch({ store, config: lab.organisationConfig(), probe: lab.probeContext() });
 *   … lab.control.deface(site); lab.control.stopService(ip, port) …
 *   await watch.stop();
 */
export async function startDemoWatch(options: {
  store: Store;
  config: VigilConfig;
  probe: ProbeContext;
  /** Check interval for every monitor (default 15 s). */
  intervalMs?: number;
  /** Escalate to the next step after this long unacknowledged (default 2 min). */
  escalateAfterMs?: number;
  log?: (line: string) => void;
}): Promise<RunningWatch> {
  const interval = options.intervalMs ?? 15_000;
  const escalate = options.escalateAfterMs ?? 120_000;
  const monitors = (options.config.monitors ?? []).map((m) => ({ ...m, interval, timeout: Math.min(m.timeout, interval) }));
  const people = options.config.onCall?.people ?? [];
  const names = people.map((p) => p.name);
  const now = Date.now();
  const onCall = {
    people,
    holidays: [],
    shifts: [],
    ...(names.length
      ? {
          rotation: {
            start: new Date(now - 3_600_000).toISOString(),
            end: new Date(now + 7 * 86_400_000).toISOString(),
            shiftHours: 8 as const,
            primary: names,
            secondary: names.length > 1 ? [...names.slice(1), names[0]!] : [],
          },
        }
      : {}),
    escalation: [
      { after: 0, notify: ['primary'] },
      { after: escalate, notify: ['secondary'] },
      { after: escalate * 2, notify: ['everyone'] },
    ],
    resendInterval: undefined,
    groupWindow: 5_000,
    sendOnResolved: true,
    maintenance: [],
    ackLinkTtl: 86_400_000,
    ...(options.config.onCall?.publicUrl ? { publicUrl: options.config.onCall.publicUrl } : {}),
  };
  return startWatch({
    store: options.store,
    config: { ...options.config, monitors, onCall },
    probe: { ...options.probe, now: Date.now },
    ...(options.log ? { log: options.log } : {}),
  });
}

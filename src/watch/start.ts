import type { VigilConfig } from '../config/schema.js';
import type { Store } from '../store/store.js';
import { AlertEngine } from './alerts/engine.js';
import { type Channel, createChannel } from './alerts/channels/index.js';
import { Outbox } from './alerts/outbox.js';
import { onCallWatchFields } from './config-schema.js';
import { buildRoster, type OnDuty, type Roster, rosterShifts, type Shift, unknownNames, whoIsOnDuty } from './oncall/roster.js';
import { WatchLog } from './oncall/watch-log.js';
import { DEFAULT_RETENTION, maintainResults, type RetentionPolicy } from './rollup.js';
import { Scheduler, type SchedulerClock, SYSTEM_CLOCK } from './scheduler.js';
import { WatchService } from './service.js';
import type { WatchProbeContext } from './types.js';
import { z } from 'zod';

export interface WatchServices {
  store: Store;
  config: VigilConfig;
  probe: WatchProbeContext;
  log?: (line: string) => void;
  clock?: SchedulerClock;
  retention?: RetentionPolicy;
  /** Scheduler concurrency (checks in flight). */
  concurrency?: number;
  /** How often buffered results are written (ms). */
  flushEveryMs?: number;
  /** How often the alert engine and the outbox run (ms). */
  tickEveryMs?: number;
  /** false: load monitors and serve the API, but run no checks (`vigil serve --no-watch`). */
  schedule?: boolean;
}

export interface RunningWatch {
  service: WatchService;
  scheduler: Scheduler;
  alerts: AlertEngine;
  outbox: Outbox;
  watchLog: WatchLog;
  /** The roster built from onCall (holiday periods, rotation, overrides, fallback). */
  roster: Roster;
  /** Every shift, by start. */
  shifts(): Shift[];
  /** Who is on duty at a moment (default now). */
  onDuty(at?: number): OnDuty;
  /** Reload monitors from the store (after API changes) and reschedule. */
  reschedule(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start the continuous watch: monitors from the config (plus those added by the API), the
 * scheduler, alerting with outbox delivery, rollups. `vigil watch` and `vigil serve` both call it.
 */
export async function startWatch(services: WatchServices): Promise<RunningWatch> {
  const { store, config } = services;
  const clock = services.clock ?? SYSTEM_CLOCK;
  const log = services.log ?? (() => undefined);
  const onCall = config.onCall ?? z.strictObject({ people: z.array(z.any()).default([]), ...onCallWatchFields }).parse({});
  const service = new WatchService(store, services.probe);
  await service.load(config.monitors ?? []);

  const roster = buildRoster(onCall);
  const allShifts = rosterShifts(roster);
  const shifts = () => allShifts;
  const onDuty = (at: number = clock.now()) => whoIsOnDuty(roster, at);
  const strangers = unknownNames(
    roster,
    onCall.people.map((p: { name: string }) => p.name),
  );
  if (strangers.length) log(`roster: ${strangers.join(', ')} not in onCall.people — they get no personal message (email/Telegram)`);
  const watchLog = new WatchLog(store, onDuty);
  const channels = new Map<string, Channel>();
  for (const channel of config.notifications?.channels ?? []) channels.set(channel.name, createChannel(channel, config.notifications?.smtp));
  const outbox = new Outbox(store, channels, { now: () => clock.now(), log });
  const recovered = await outbox.recover();
  if (recovered) log(`outbox: ${recovered} delivery(ies) interrupted by the last stop will be retried with their idempotency keys`);
  const alerts = new AlertEngine(
    store,
    outbox,
    {
      escalation: onCall.escalation,
      resendInterval: onCall.resendInterval,
      groupWindow: onCall.groupWindow,
      sendOnResolved: onCall.sendOnResolved,
      maintenance: onCall.maintenance,
      publicUrl: onCall.publicUrl,
      ackLinkTtl: onCall.ackLinkTtl,
      channels: [...channels.keys()],
      people: onCall.people,
    },
    onDuty,
    watchLog,
    () => clock.now(),
    await store.installationSecret('links'),
  );
  // Alert handling is serialised so two events of one monitor never race on its open alert.
  let alertChain: Promise<void> = Promise.resolve();
  service.events.on('watch', (event) => {
    alertChain = alertChain.then(() => alerts.handle(event)).catch((error: Error) => log(`alerts: ${error.message}`));
  });

  const scheduler = new Scheduler({
    clock,
    concurrency: services.concurrency ?? 512,
    run: async (id) => {
      const monitor = service.get(id);
      if (monitor) await service.check(monitor);
    },
  });
  // id → interval it is scheduled at: a changed interval (PATCH) reschedules, the rest keep their slot.
  let scheduled = new Map<string, number>();
  const schedule = () => {
    const wanted = new Map<string, number>();
    for (const monitor of service.list()) {
      const interval = monitor.config.type === 'heartbeat' ? Math.min(monitor.config.interval, 60_000) : monitor.config.interval;
      wanted.set(monitor.id, interval);
      if (scheduled.get(monitor.id) === interval) continue;
      scheduler.add(monitor.id, interval);
    }
    for (const id of scheduled.keys()) if (!wanted.has(id)) scheduler.remove(id);
    scheduled = wanted;
  };
  if (services.schedule !== false) schedule();

  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  const every = (ms: number, fn: () => Promise<unknown>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopping) return;
      busy = true;
      fn()
        .catch((error: Error) => log(`watch: ${error.message}`))
        .finally(() => {
          busy = false;
        });
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  every(services.flushEveryMs ?? 1_000, () => service.flush());
  every(services.tickEveryMs ?? 1_000, async () => {
    await alertChain;
    await alerts.tick();
    await outbox.deliverDue();
  });
  every(3_600_000, () => maintainResults(store, clock.now(), services.retention ?? DEFAULT_RETENTION));

  return {
    service,
    scheduler,
    alerts,
    outbox,
    watchLog,
    roster,
    shifts,
    onDuty,
    reschedule: async () => {
      await service.reload();
      if (services.schedule !== false) schedule();
    },
    stop: async () => {
      stopping = true;
      scheduler.stop();
      for (const timer of timers) clearInterval(timer);
      await scheduler.drain();
      await alertChain;
      await alerts.flushGroup().catch(() => undefined);
      await service.close();
    },
  };
}

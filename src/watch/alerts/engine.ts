import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { EscalationStep, MaintenanceConfig } from '../config-schema.js';
import { ackUrl } from '../oncall/links.js';
import { activeMaintenance, type OnDuty, resolveTargets } from '../oncall/roster.js';
import type { WatchLog } from '../oncall/watch-log.js';
import type { WatchEvent } from '../service.js';
import { type AlertItem, composeMessage } from './message.js';
import type { Outbox } from './outbox.js';

export interface Person {
  name: string;
  email?: string | undefined;
  telegramChatId?: string | undefined;
}

export interface AlertSettings {
  escalation: EscalationStep[];
  resendInterval?: number | undefined;
  groupWindow: number;
  sendOnResolved: boolean;
  maintenance: MaintenanceConfig[];
  publicUrl?: string | undefined;
  ackLinkTtl: number;
  /** Channel names every alert goes to (notifications.channels). */
  channels: string[];
  people: Person[];
}

const SEVERITY: Record<string, AlertItem['severity']> = {
  down: 'critical',
  defacement: 'critical',
  degraded: 'medium',
  'dns-change': 'high',
  'cert-expiry': 'high',
};
/** Event kinds that close an alert of another kind. */
const CLEARS: Record<string, string> = { 'defacement-cleared': 'defacement' };

/**
 * Alerts: opens one per monitor and kind, resolves it on recovery, silences it in maintenance,
 * groups a burst into one message per channel, resends and escalates while nobody acknowledges,
 * and records all of it in the watch log. Time comes from `now()` so tests drive it.
 */
export class AlertEngine {
  private pending: { item: AlertItem; targets: string[] }[] = [];
  private groupOpenedAt: number | undefined;
  /** Monitor names seen in events (alerts outlive a monitor's rename or removal). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly settings: AlertSettings,
    private readonly onDuty: (at: number) => OnDuty,
    private readonly log: WatchLog,
    private readonly now: () => number,
    private readonly linkSecret: Buffer,
  ) {}

  /** Feed one event from the watch service. */
  async handle(event: WatchEvent): Promise<void> {
    const monitorId = event.monitor.id;
    const name = event.monitor.config.name;
    this.names.set(monitorId, name);
    if (event.type === 'result') {
      if (!event.transition) return;
      const { from, to } = event.transition;
      // A new monitor's first success: nothing can be open for it (the common case at start-up; no query).
      if (from === 'pending' && to === 'up') return;
      if (to === 'up') {
        await this.resolve(monitorId, name, ['down', 'degraded'], event.report.detail);
        return;
      }
      if (from === 'down' || from === 'degraded') await this.resolve(monitorId, name, [from], `now ${to}`, true);
      await this.open(monitorId, name, to, event.report.detail, { detail: event.report.detail });
      return;
    }
    const cleared = CLEARS[event.kind];
    if (cleared) {
      await this.resolve(monitorId, name, [cleared], event.summary);
      return;
    }
    await this.open(monitorId, name, event.kind, event.summary, event.detail);
  }

  private async open(monitorId: string, monitorName: string, kind: string, summary: string, detail: unknown): Promise<void> {
    const now = this.now();
    const existing = await this.store.db
      .selectFrom('watch_alerts')
      .select('id')
      .where('monitor_id', '=', monitorId)
      .where('kind', '=', kind)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (existing && kind !== 'dns-change') return;
    const maintenance = activeMaintenance(this.settings.maintenance, monitorId, now);
    const id = randomUUID();
    const evidence = (detail as { evidence?: unknown } | undefined)?.evidence;
    await this.store.db
      .insertInto('watch_alerts')
      .values({
        id,
        monitor_id: monitorId,
        kind,
        severity: SEVERITY[kind] ?? 'medium',
        summary: summary.slice(0, 1_000),
        detail: detail === undefined ? null : JSON.stringify(detail).slice(0, 200_000),
        evidence: evidence ? JSON.stringify(evidence) : null,
        opened_at: new Date(now).toISOString(),
        last_notified_at: maintenance ? null : new Date(now).toISOString(),
        resolved_at: null,
        // In maintenance an alert is recorded but neither sent nor escalated: mark it acknowledged by the window.
        acked_at: maintenance ? new Date(now).toISOString() : null,
        acked_by: maintenance ? `maintenance:${maintenance.name}` : null,
        escalation_step: 0,
        escalated_at: null,
      })
      .execute();
    if (maintenance) {
      await this.log.add(now, 'silenced', 'vigil', `${monitorName}: ${kind} — ${summary} (bảo trì / maintenance "${maintenance.name}")`, id);
      return;
    }
    await this.log.add(now, 'alert', 'vigil', `${monitorName}: ${kind} — ${summary}`, id);
    const firstStep = this.settings.escalation[0];
    this.queue(
      {
        alertId: id,
        monitor: monitorName,
        kind,
        severity: SEVERITY[kind] ?? 'medium',
        phase: 'open',
        summary,
        at: new Date(now).toISOString(),
        ...this.ackLink(id, now),
      },
      firstStep?.notify ?? ['primary'],
    );
  }

  private async resolve(monitorId: string, monitorName: string, kinds: string[], summary: string, quiet = false): Promise<void> {
    const now = this.now();
    const open = await this.store.db
      .selectFrom('watch_alerts')
      .selectAll()
      .where('monitor_id', '=', monitorId)
      .where('kind', 'in', kinds)
      .where('resolved_at', 'is', null)
      .execute();
    for (const alert of open) {
      await this.store.db
        .updateTable('watch_alerts')
        .set({ resolved_at: new Date(now).toISOString() })
        .where('id', '=', alert.id)
        .execute();
      await this.log.add(now, 'resolved', 'vigil', `${monitorName}: ${alert.kind} đã khôi phục / resolved — ${summary}`, alert.id);
      const silenced = alert.acked_by?.startsWith('maintenance:');
      if (this.settings.sendOnResolved && !quiet && !silenced) {
        this.queue(
          { alertId: alert.id, monitor: monitorName, kind: alert.kind, severity: 'info', phase: 'resolved', summary, at: new Date(now).toISOString() },
          ['primary'],
        );
      }
    }
  }

  async acknowledge(alertId: string, actor: string, via: string): Promise<'ok' | 'unknown' | 'already'> {
    const alert = await this.store.db.selectFrom('watch_alerts').selectAll().where('id', '=', alertId).executeTakeFirst();
    if (!alert) return 'unknown';
    if (alert.acked_at) return 'already';
    const now = this.now();
    await this.store.db
      .updateTable('watch_alerts')
      .set({ acked_at: new Date(now).toISOString(), acked_by: actor })
      .where('id', '=', alertId)
      .execute();
    await this.log.add(now, 'ack', actor, `đã xác nhận / acknowledged (${via}): ${alert.kind} — ${alert.summary}`, alertId);
    return 'ok';
  }

  /** Periodic work: send the grouped burst, resend reminders, escalate. Call every second or so. */
  async tick(): Promise<void> {
    const now = this.now();
    await this.escalate(now);
    await this.resend(now);
    if (this.pending.length && this.groupOpenedAt !== undefined && now - this.groupOpenedAt >= this.settings.groupWindow) await this.flushGroup();
  }

  private async escalate(now: number): Promise<void> {
    const steps = this.settings.escalation;
    if (steps.length < 2) return;
    const open = await this.store.db.selectFrom('watch_alerts').selectAll().where('resolved_at', 'is', null).where('acked_at', 'is', null).execute();
    for (const alert of open) {
      const age = now - Date.parse(alert.opened_at);
      let step = alert.escalation_step;
      while (step + 1 < steps.length && age >= steps[step + 1]!.after) step++;
      if (step === alert.escalation_step) continue;
      await this.store.db
        .updateTable('watch_alerts')
        .set({ escalation_step: step, escalated_at: new Date(now).toISOString(), last_notified_at: new Date(now).toISOString() })
        .where('id', '=', alert.id)
        .execute();
      const monitorName = await this.monitorName(alert.monitor_id);
      const targets = steps[step]!.notify;
      await this.log.add(
        now,
        'escalation',
        'vigil',
        `${monitorName}: chưa ai xác nhận sau ${Math.round(age / 60_000)} phút → leo thang bước ${step + 1} (${targets.join(', ')}) / escalated`,
        alert.id,
      );
      this.queue(
        {
          alertId: alert.id,
          monitor: monitorName,
          kind: alert.kind,
          severity: alert.severity as AlertItem['severity'],
          phase: 'escalated',
          summary: alert.summary,
          at: new Date(now).toISOString(),
          ...this.ackLink(alert.id, now),
        },
        targets,
      );
    }
  }

  private async resend(now: number): Promise<void> {
    const every = this.settings.resendInterval;
    if (!every) return;
    const cutoff = new Date(now - every).toISOString();
    const due = await this.store.db
      .selectFrom('watch_alerts')
      .selectAll()
      .where('resolved_at', 'is', null)
      .where('acked_at', 'is', null)
      .where('last_notified_at', '<=', cutoff)
      .execute();
    for (const alert of due) {
      await this.store.db
        .updateTable('watch_alerts')
        .set({ last_notified_at: new Date(now).toISOString() })
        .where('id', '=', alert.id)
        .execute();
      const monitorName = await this.monitorName(alert.monitor_id);
      const step = this.settings.escalation[alert.escalation_step];
      this.queue(
        {
          alertId: alert.id,
          monitor: monitorName,
          kind: alert.kind,
          severity: alert.severity as AlertItem['severity'],
          phase: 'reminder',
          summary: alert.summary,
          at: new Date(now).toISOString(),
          ...this.ackLink(alert.id, now),
        },
        step?.notify ?? ['primary'],
      );
    }
  }

  private queue(item: AlertItem, targets: string[]): void {
    if (this.pending.length === 0) this.groupOpenedAt = this.now();
    this.pending.push({ item, targets });
  }

  /** Write the grouped burst to the outbox: one message per channel. */
  async flushGroup(): Promise<number> {
    const batch = this.pending;
    this.pending = [];
    this.groupOpenedAt = undefined;
    if (batch.length === 0) return 0;
    const now = this.now();
    const duty = this.onDuty(now);
    const names = resolveTargets(
      [...new Set(batch.flatMap((b) => b.targets))],
      duty,
      this.settings.people.map((p) => p.name),
    );
    const people = names.map((n) => this.settings.people.find((p) => p.name === n)).filter((p): p is Person => p !== undefined);
    const message = {
      ...composeMessage(
        batch.map((b) => b.item),
        { ...(duty.primary ? { primary: duty.primary } : {}), ...(duty.secondary ? { secondary: duty.secondary } : {}), notify: names },
      ),
      recipients: {
        emails: people.flatMap((p) => (p.email ? [p.email] : [])),
        telegramChatIds: people.flatMap((p) => (p.telegramChatId ? [p.telegramChatId] : [])),
      },
    };
    const groupId = `${new Date(now).toISOString()}:${batch.map((b) => `${b.item.alertId}.${b.item.phase}`).join(',')}`;
    const digest = (await import('node:crypto')).createHash('sha256').update(groupId).digest('hex').slice(0, 24);
    for (const channel of this.settings.channels) await this.outbox.enqueue(channel, message, `vigil-${digest}-${channel}`);
    return batch.length;
  }

  private async monitorName(id: string): Promise<string> {
    const known = this.names.get(id);
    if (known) return known;
    const row = await this.store.db.selectFrom('watch_monitors').select('name').where('id', '=', id).executeTakeFirst();
    return row?.name ?? id;
  }

  private ackLink(alertId: string, now: number): { ackUrl?: string } {
    if (!this.settings.publicUrl) return {};
    return { ackUrl: ackUrl(this.settings.publicUrl, this.linkSecret, alertId, now + this.settings.ackLinkTtl) };
  }
}

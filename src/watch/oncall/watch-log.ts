import type { Store } from '../../store/store.js';
import type { OnDuty } from './roster.js';

/** Nhật ký trực: every alert, acknowledgement, note and handover, attached to the shift it happened in. */
export type WatchLogKind = 'alert' | 'resolved' | 'ack' | 'escalation' | 'silenced' | 'note' | 'handover' | 'event';

export class WatchLog {
  constructor(
    private readonly store: Store,
    /** The roster's answer for a moment (the entry is attached to its shift). */
    private readonly onDuty: (at: number) => OnDuty,
  ) {}

  async add(at: number, kind: WatchLogKind, actor: string, text: string, alertId?: string): Promise<void> {
    const shift = this.onDuty(at).shift;
    await this.store.db
      .insertInto('watch_log')
      .values({ at: new Date(at).toISOString(), shift_id: shift?.id ?? null, kind, actor, alert_id: alertId ?? null, text: text.slice(0, 4_000) })
      .execute();
  }

  async list(from: string, to: string, limit = 5_000) {
    return this.store.db.selectFrom('watch_log').selectAll().where('at', '>=', from).where('at', '<', to).orderBy('at').orderBy('id').limit(limit).execute();
  }
}

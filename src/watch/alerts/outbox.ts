import type { Store } from '../../store/store.js';
import type { Channel } from './channels/index.js';
import type { AlertMessage } from './message.js';

/**
 * The outbox: a message is written to the store before anything is sent, then delivered and
 * retried with exponential backoff until the channel takes it. A channel that is down loses
 * nothing. Each delivery is claimed first (state in_flight, attempts+1, in one conditional
 * update) and marked sent at once after the channel accepts it; a row found in flight at start
 * (the process died mid-delivery, even kill -9) is sent again with the same idempotency key, which
 * webhooks receive as `Idempotency-Key` and mail as its Message-ID, so the receiver can tell it
 * is the same message. Rows sent are never sent again.
 */
export interface OutboxOptions {
  now?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (state failed) after this many attempts; default never (a holiday alert must arrive). */
  maxAttempts?: number;
  log?: (line: string) => void;
}

export class Outbox {
  private readonly now: () => number;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly channels: Map<string, Channel>,
    private readonly options: OutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async enqueue(channel: string, message: AlertMessage, key: string): Promise<boolean> {
    const at = new Date(this.now()).toISOString();
    const result = await this.store.db
      .insertInto('watch_outbox')
      .values({
        idempotency_key: key,
        channel,
        message: JSON.stringify(message),
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
        in_flight_since: null,
        last_error: null,
        sent_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** After a crash: deliveries that were in flight go back to pending (same key). */
  async recover(): Promise<number> {
    const result = await this.store.db
      .updateTable('watch_outbox')
      .set({ state: 'pending', in_flight_since: null, next_attempt_at: new Date(this.now()).toISOString() })
      .where('state', '=', 'in_flight')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deliver what is due; one pass at a time. Returns the number delivered. */
  deliverDue(limit = 50): Promise<number> {
    this.running ??= this.pass(limit).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(limit: number): Promise<number> {
    const now = this.now();
    const due = await this.store.db
      .selectFrom('watch_outbox')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', new Date(now).toISOString())
      .orderBy('id')
      .limit(limit)
      .execute();
    let delivered = 0;
    for (const row of due) {
      const claimed = await this.store.db
        .updateTable('watch_outbox')
        .set({ state: 'in_flight', in_flight_since: new Date(this.now()).toISOString(), attempts: row.attempts + 1 })
        .where('id', '=', row.id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      const channel = this.channels.get(row.channel);
      try {
        if (!channel) throw new Error(`no channel named ${row.channel} in notifications.channels`);
        await channel.send(JSON.parse(row.message) as AlertMessage, row.idempotency_key);
        await this.store.db
          .updateTable('watch_outbox')
          .set({ state: 'sent', sent_at: new Date(this.now()).toISOString(), last_error: null })
          .where('id', '=', row.id)
          .execute();
        delivered++;
      } catch (error) {
        const attempts = row.attempts + 1;
        const giveUp = this.options.maxAttempts !== undefined && attempts >= this.options.maxAttempts;
        const delay = Math.min(this.options.maxDelayMs ?? 300_000, (this.options.baseDelayMs ?? 2_000) * 2 ** (attempts - 1));
        await this.store.db
          .updateTable('watch_outbox')
          .set({
            state: giveUp ? 'failed' : 'pending',
            in_flight_since: null,
            last_error: (error as Error).message.slice(0, 500),
            next_attempt_at: new Date(this.now() + delay).toISOString(),
          })
          .where('id', '=', row.id)
          .execute();
        this.options.log?.(`outbox: ${row.channel} failed (attempt ${attempts}): ${(error as Error).message}`);
      }
    }
    return delivered;
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.store.db
      .selectFrom('watch_outbox')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}

import { randomUUID } from 'node:crypto';
import { VigilError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { EnqueueOptions, JobHandler, JobQueue, JobStatus } from './queue.js';

interface Registered {
  handler: JobHandler<unknown, unknown>;
  concurrency: number;
  running: number;
}

interface Pending {
  id: string;
  name: string;
  payload: unknown;
  retries: number;
  attempts: number;
  singletonKey: string | undefined;
}

/**
 * Runs jobs inside this process with a per-name concurrency limit. Every job is recorded in the
 * store's `jobs` table (state, attempts, result, error) so the API and dashboard can show it, and
 * jobs still queued or running when the process died are marked failed at the next start.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private readonly queue: Pending[] = [];
  private readonly statuses = new Map<string, JobStatus>();
  private readonly waiters = new Map<string, ((status: JobStatus) => void)[]>();
  private readonly running = new Map<string, AbortController>();
  private started = false;
  private stopping = false;

  constructor(private readonly store?: Store) {}

  register<P, R>(name: string, handler: JobHandler<P, R>, options: { concurrency?: number } = {}): void {
    this.handlers.set(name, { handler: handler as JobHandler<unknown, unknown>, concurrency: options.concurrency ?? 2, running: 0 });
  }

  async start(): Promise<void> {
    if (this.store) {
      await this.store.db
        .updateTable('jobs')
        .set({ state: 'failed', error: 'interrupted: vigil stopped while the job was pending', finished_at: new Date().toISOString() })
        .where('state', 'in', ['queued', 'running'])
        .execute();
    }
    this.started = true;
    this.pump();
  }

  async enqueue<P>(name: string, payload: P, options: EnqueueOptions = {}): Promise<string> {
    if (!this.handlers.has(name)) throw new VigilError('jobs.unknown', `no handler is registered for job "${name}"`, { status: 500 });
    if (options.singletonKey) {
      const existing = this.queue.find((job) => job.name === name && job.singletonKey === options.singletonKey);
      if (existing) return existing.id;
    }
    const id = randomUUID();
    const now = new Date().toISOString();
    this.statuses.set(id, { id, name, state: 'queued', attempts: 0 });
    if (this.store) {
      await this.store.db
        .insertInto('jobs')
        .values({
          id,
          name,
          payload: JSON.stringify(payload ?? null),
          state: 'queued',
          attempts: 0,
          result: null,
          error: null,
          created_at: now,
          started_at: null,
          finished_at: null,
        })
        .execute();
    }
    this.queue.push({ id, name, payload, retries: options.retries ?? 0, attempts: 0, singletonKey: options.singletonKey });
    this.pump();
    return id;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    const known = this.statuses.get(id);
    if (known) return { ...known };
    if (!this.store) return undefined;
    const row = await this.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      state: row.state,
      attempts: row.attempts,
      ...(row.result ? { result: JSON.parse(row.result) } : {}),
      ...(row.error ? { error: row.error } : {}),
    };
  }

  wait<R>(id: string): Promise<JobStatus<R>> {
    const current = this.statuses.get(id);
    if (current && (current.state === 'done' || current.state === 'failed')) return Promise.resolve(current as JobStatus<R>);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve as (status: JobStatus) => void);
      this.waiters.set(id, list);
    });
  }

  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const controller of this.running.values()) controller.abort(new Error('vigil is stopping'));
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      const registered = this.handlers.get(job.name)!;
      if (registered.running >= registered.concurrency) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      registered.running++;
      void this.run(job, registered).finally(() => {
        registered.running--;
        this.pump();
      });
    }
  }

  private async run(job: Pending, registered: Registered): Promise<void> {
    const controller = new AbortController();
    this.running.set(job.id, controller);
    job.attempts++;
    const status = this.statuses.get(job.id)!;
    status.state = 'running';
    status.attempts = job.attempts;
    await this.persist(job.id, { state: 'running', attempts: job.attempts, started_at: new Date().toISOString() });
    try {
      const result = await registered.handler(job.payload, {
        jobId: job.id,
        attempt: job.attempts,
        signal: controller.signal,
        progress: (fraction) => {
          status.progress = fraction;
        },
      });
      status.state = 'done';
      status.result = result;
      await this.persist(job.id, { state: 'done', result: JSON.stringify(result ?? null), finished_at: new Date().toISOString() });
      this.settle(job.id, status);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempts <= job.retries && !this.stopping) {
        status.state = 'queued';
        await this.persist(job.id, { state: 'queued', error: message });
        this.queue.push(job);
      } else {
        status.state = 'failed';
        status.error = message;
        await this.persist(job.id, { state: 'failed', error: message, finished_at: new Date().toISOString() });
        this.settle(job.id, status);
      }
    } finally {
      this.running.delete(job.id);
    }
  }

  private settle(id: string, status: JobStatus): void {
    for (const resolve of this.waiters.get(id) ?? []) resolve({ ...status });
    this.waiters.delete(id);
  }

  private async persist(id: string, values: Record<string, string | number | null>): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.db.updateTable('jobs').set(values).where('id', '=', id).execute();
    } catch {
      // The job's outcome is still delivered in memory; a store hiccup must not kill the runner.
    }
  }
}

/**
 * One interface for background work (assessment runs, monitor checks, leak imports). Capabilities
 * register handlers by name and enqueue payloads; they never know which runner executes them.
 * The in-process runner (in-process.ts) serves one machine; a pg-boss runner can serve many worker
 * processes on PostgreSQL behind the same interface.
 */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Report progress (0..1) and an optional message; shown in CLI progress bars and the dashboard. */
  progress(fraction: number, message?: string): void;
  signal: AbortSignal;
}

export type JobHandler<P = unknown, R = unknown> = (payload: P, context: JobContext) => Promise<R>;

export interface EnqueueOptions {
  /** Retries after the first failure (default 0). */
  retries?: number;
  /** A key that makes enqueueing idempotent: a job with the same key still pending is reused. */
  singletonKey?: string;
}

export interface JobStatus<R = unknown> {
  id: string;
  name: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  result?: R;
  error?: string;
  progress?: number;
}

export interface JobQueue {
  register<P, R>(name: string, handler: JobHandler<P, R>, options?: { concurrency?: number }): void;
  enqueue<P>(name: string, payload: P, options?: EnqueueOptions): Promise<string>;
  /** Resolve when the job has finished (done or failed). */
  wait<R>(id: string): Promise<JobStatus<R>>;
  status(id: string): Promise<JobStatus | undefined>;
  start(): Promise<void>;
  /** Stop taking jobs; wait for running ones (aborting them after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

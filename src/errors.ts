/**
 * Every error vigil reports carries a stable id (for scripts, the API and the docs), and says
 * what happened, why, and what to do about it.
 */
export class VigilError extends Error {
  readonly id: string;
  readonly hint: string | undefined;
  /** HTTP status the API adapter answers with. */
  readonly status: number;
  /** CLI exit code: 2 = usage or runtime error by convention. */
  readonly exitCode: number;

  constructor(id: string, message: string, options: { hint?: string; status?: number; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.id = id;
    this.hint = options.hint;
    this.status = options.status ?? 400;
    this.exitCode = options.exitCode ?? 2;
  }

  toJSON(): { error: string; message: string; hint?: string } {
    return this.hint ? { error: this.id, message: this.message, hint: this.hint } : { error: this.id, message: this.message };
  }
}

export function isVigilError(error: unknown): error is VigilError {
  return error instanceof VigilError;
}

/** Render any thrown value as one line a person can act on. */
export function describeError(error: unknown): string {
  if (isVigilError(error)) return `${error.id}: ${error.message}${error.hint ? `\n  → ${error.hint}` : ''}`;
  if (error instanceof Error) return `internal: ${error.message}`;
  return `internal: ${String(error)}`;
}

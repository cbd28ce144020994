import { defaultHint, ERROR_CATALOGUE, type ErrorEntry, type ErrorId } from './errors/catalogue.js';

export type { ErrorId } from './errors/catalogue.js';

/**
 * Every error vigil reports carries a stable id (for scripts, the API and the docs), and says
 * what happened, why, and what to do about it.
 */
export class VigilError extends Error {
  readonly id: ErrorId;
  readonly hint: string | undefined;
  /** HTTP status the API adapter answers with. */
  readonly status: number;
  /** CLI exit code: 2 = usage or runtime error by convention. */
  readonly exitCode: number;

  /**
   * The id must be in src/errors/catalogue.ts; status, exit code and hint default to its entry.
   * A throw site passes a hint (or status) only to name the concrete thing or a special case.
   */
  constructor(id: ErrorId, message: string, options: { hint?: string; status?: number; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Undefined only for an id smuggled past the type (a cast, plain JS): still a usable error, never a crash.
    const entry = ERROR_CATALOGUE[id] as ErrorEntry | undefined;
    this.name = 'VigilError';
    this.id = id;
    this.hint = options.hint ?? (entry ? defaultHint(id) : undefined);
    this.status = options.status ?? entry?.status ?? 400;
    this.exitCode = options.exitCode ?? entry?.exitCode ?? 2;
  }

  toJSON(): { error: string; message: string; hint?: string } {
    return this.hint ? { error: this.id, message: this.message, hint: this.hint } : { error: this.id, message: this.message };
  }
}

/** The JSON body of an error the HTTP layer answers without a VigilError (framework errors, 404). */
export function errorJson(id: ErrorId, message: string): { error: ErrorId; message: string } {
  return { error: id, message };
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

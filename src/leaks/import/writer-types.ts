/**
 * The import writer's contract, apart from its implementations (writer.ts for PostgreSQL and the
 * factory, sqlite-writer.ts for SQLite) so that each implementation imports the contract and
 * neither imports the other (test/import-cycles.test.ts).
 */
import type { PasswordKind, Severity } from '../formats/password.js';
import type { StaffDirectory } from './staff.js';

/** One account's strongest appearance in a source (what the store keeps). */
export interface AccountAppearance {
  email: string;
  orgDomain: string;
  severity: Severity;
  kind: PasswordKind;
  mask: string | null;
  fingerprint: string | null;
  url: string | null;
  offset: number;
}

export interface BatchContext {
  sourceId: string;
  /** First/last seen of every appearance in this source: the breach date, else the added date. */
  seenAt: string;
  now: string;
  actor: string;
  staff: StaffDirectory;
  fileKey: string;
}

export interface BatchCounts {
  created: number;
  reopened: number;
}

/**
 * Writes an import's batches. One per import: it may hold per-connection state (SQLite's staging
 * tables and settings) from `openImportWriter` until `close`, which must run (finally).
 */
export interface ImportWriter {
  /** Write one batch and its file's checkpoint in one transaction. */
  write(ctx: BatchContext, batch: AccountAppearance[], checkpoint: number): Promise<BatchCounts>;
  /** The batches written so far are committed: the writer may start moving them to their final place (SQLite: a checkpoint in the background). */
  settle(): void;
  close(): Promise<void>;
}

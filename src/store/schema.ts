import type { Generated } from 'kysely';

/**
 * Table types for kysely. Conventions (portable across SQLite and PostgreSQL):
 * - timestamps are ISO-8601 UTC text (`new Date().toISOString()`), which sorts correctly;
 * - booleans are integers 0/1; JSON documents are text;
 * - ids are app-generated text (randomUUID) unless a table is high-volume, where
 *   `serialPrimaryKey()` (migrations/helpers.ts) gives an integer key on both dialects.
 * Each capability declares its tables in its own interface and adds it to `Database` below.
 */

export interface UsersTable {
  id: string;
  name: string;
  role: 'admin' | 'analyst' | 'viewer';
  password_hash: string;
  display_name: string | null;
  locale: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the session secret; the secret itself lives only in the cookie. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token; shown once at creation. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface FoundationTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  settings: SettingsTable;
}

// Capabilities extend this interface with their own table interfaces.
export interface Database extends FoundationTables {}

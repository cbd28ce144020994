import type { Generated } from 'kysely';
import type { Role } from '../services/auth/roles.js';

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
  role: Role;
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

/** Failed sign-ins of one user name from one client address (src/services/auth/lockout.ts). */
export interface LoginLockoutsTable {
  user_key: string;
  address: string;
  failures: number;
  /** ISO time until which the pair is refused; '' when not locked. */
  locked_until: string;
  updated_at: string;
}

export interface FoundationTables {
  users: UsersTable;
  login_lockouts: LoginLockoutsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  settings: SettingsTable;
}

/** Holiday watch (src/watch, migration 0300). */
export interface WatchMonitorsTable {
  id: string;
  name: string;
  type: string;
  /** The monitor's configuration (JSON, as validated by src/watch/config-schema.ts). */
  spec: string;
  source: 'config' | 'api';
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface WatchStateTable {
  monitor_id: string;
  /** Last measured status. */
  status: string;
  /** Status after retries/recovery thresholds: what alerts and the board show. */
  reported_status: string;
  failures: number;
  successes: number;
  detail: string | null;
  response_ms: number | null;
  checked_at: string | null;
  changed_at: string | null;
  /** Per-type memory (JSON): last DNS answer, last heartbeat call… */
  memory: string | null;
}

export interface WatchResultsTable {
  id: Generated<number>;
  monitor_id: string;
  at: string;
  status: string;
  response_ms: number | null;
  detail: string | null;
}

export interface WatchRollupsTable {
  monitor_id: string;
  grain: 'minute' | 'hour' | 'day';
  start: string;
  total: number;
  up: number;
  degraded: number;
  down: number;
  sum_ms: number;
  max_ms: number;
}

export interface WatchBaselinesTable {
  monitor_id: string;
  data: string;
  html: string;
  screenshot: string | null;
  created_at: string;
}

export interface WatchAlertsTable {
  id: string;
  monitor_id: string;
  kind: string;
  severity: string;
  summary: string;
  detail: string | null;
  evidence: string | null;
  opened_at: string;
  last_notified_at: string | null;
  resolved_at: string | null;
  acked_at: string | null;
  acked_by: string | null;
  escalation_step: number;
  escalated_at: string | null;
}

export interface WatchOutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  channel: string;
  message: string;
  state: 'pending' | 'in_flight' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  in_flight_since: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface WatchShiftsTable {
  id: string;
  starts_at: string;
  ends_at: string;
  primary_person: string;
  secondary_person: string | null;
  label: string | null;
  source: 'config' | 'api';
}

export interface WatchLogTable {
  id: Generated<number>;
  at: string;
  shift_id: string | null;
  kind: string;
  actor: string;
  alert_id: string | null;
  text: string;
}

export interface WatchTables {
  watch_monitors: WatchMonitorsTable;
  watch_state: WatchStateTable;
  watch_results: WatchResultsTable;
  watch_rollups: WatchRollupsTable;
  watch_baselines: WatchBaselinesTable;
  watch_alerts: WatchAlertsTable;
  watch_outbox: WatchOutboxTable;
  watch_shifts: WatchShiftsTable;
  watch_log: WatchLogTable;
}

export interface AssessmentRunsTable {
  id: string;
  kind: 'org' | 'mail' | 'web';
  scope: string;
  organisation: string;
  status: 'running' | 'done' | 'failed';
  started_at: string;
  finished_at: string | null;
  score: number | null;
  grade: string | null;
  target_count: number;
  failed_checks: number;
  /** Targets of the run that could not be assessed (migration 0101). */
  not_assessed: Generated<number>;
  actor: string;
  error: string | null;
}

export interface AssessmentTargetsTable {
  id: string;
  run_id: string;
  position: number;
  target: string;
  kind: 'mail' | 'web';
  name: string | null;
  started_at: string;
  duration_ms: number;
  /** 0 or '' when `assessed` is 0 (placeholders for NOT NULL columns; read back as null). */
  score: number;
  grade: string;
  /** 1, or 0 when no check reached a verdict (migration 0101). */
  assessed: Generated<number>;
  /** ScoreReport JSON. */
  score_report: string;
  /** JSON string[]. */
  errors: string;
  failed_checks: number;
}

export interface AssessmentChecksTable {
  id: Generated<number>;
  target_id: string;
  run_id: string;
  check_id: string;
  subject: string;
  status: string;
  severity: string;
  category: string;
  /** JSON {vi, en}. */
  title: string;
  detail: string;
  remediation: string;
  /** JSON string[]. */
  refs: string;
  evidence: string;
}

export interface AssessmentTables {
  assessment_runs: AssessmentRunsTable;
  assessment_targets: AssessmentTargetsTable;
  assessment_checks: AssessmentChecksTable;
}

export interface LeakSourcesTable {
  id: string;
  name: string;
  title: string;
  breach_date: string | null;
  added_date: string;
  /** Unique addresses in the whole source (HIBP's PwnCount). */
  pwn_count: number;
  /** The organisation's accounts in it. */
  org_count: number;
  /** JSON array, e.g. ["Email addresses","Passwords"]. */
  data_classes: string;
  /** JSON: { verified, fabricated, sensitive, spamList, malware, stealerLog }. */
  flags: string;
  /** JSON census of the scan. */
  census: string | null;
}

export interface LeakFilesTable {
  source_id: string;
  /** sha256:size of the file: the same bytes are imported once. */
  file_key: string;
  path: string;
  size: number;
  checkpoint_offset: number;
  completed_at: string | null;
  /** While in progress: the file's scan (census, accounts, data classes) as JSON, for a resume (0201). */
  scan: string | null;
  /** While in progress: each account's first offset in the file, sorted float64 (0201). */
  first_offsets: Uint8Array | null;
}

export interface LeakAccountsTable {
  email: string;
  org_domain: string;
  first_seen: string;
  last_seen: string;
  severity: string;
  severity_rank: number;
  password_kind: string;
  password_mask: string | null;
  /** HMAC-SHA-256 under the installation secret; never the password. */
  password_fingerprint: string | null;
  state: string;
  state_changed_at: string;
  staff_name: string | null;
  staff_email: string | null;
  unit: string | null;
  assigned_unit: string | null;
}

export interface LeakAccountSourcesTable {
  email: string;
  source_id: string;
  severity: string;
  severity_rank: number;
  password_kind: string;
  password_mask: string | null;
  password_fingerprint: string | null;
  url: string | null;
  seen_at: string;
}

export interface LeakStateHistoryTable {
  id: Generated<number>;
  email: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  at: string;
  note: string | null;
}

export interface LeakNotificationsTable {
  email: string;
  source_id: string;
  sent_at: string;
  to_address: string;
  message_id: string | null;
}

export interface LeaksTables {
  leak_sources: LeakSourcesTable;
  leak_files: LeakFilesTable;
  leak_accounts: LeakAccountsTable;
  leak_account_sources: LeakAccountSourcesTable;
  leak_state_history: LeakStateHistoryTable;
  leak_notifications: LeakNotificationsTable;
}

/** One file's mergeable census sketch (0202; src/leaks/import/source-census.ts encodes it). */
export interface LeakSourceSketchesTable {
  source_id: string;
  file_key: string;
  /** deflate-raw of the HyperLogLog registers. */
  hll: Uint8Array;
  /** deflate-raw of the exact 53-bit address hashes (little-endian float64); null past the bound. */
  exact: Uint8Array | null;
  exact_count: number | null;
  /** deflate-raw of the special addresses as little-endian int32 [lane a, lane b, value] triples. */
  special: Uint8Array;
  /** JSON array: the domain names the special values index. */
  domains: string;
  created_at: string;
}

export interface LeakSketchTables {
  leak_source_sketches: LeakSourceSketchesTable;
}

// Capabilities extend this interface with their own table interfaces.
export interface Database extends FoundationTables, LeaksTables, LeakSketchTables, WatchTables, AssessmentTables {}

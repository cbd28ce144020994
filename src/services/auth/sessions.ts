import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { UsersTable } from '../../store/schema.js';
import { sha256Hex } from './tokens.js';

export interface SessionPolicy {
  /** A session ends after this long without a request (sliding). */
  idleMs: number;
  /** …and in any case this long after login. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 8 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

export interface ActiveSession {
  user: UsersTable;
  csrfToken: string;
  expiresAt: string;
  /** The expiry moved on this request: the cookie's lifetime should follow. */
  renewed: boolean;
}

/**
 * Browser sessions. The secret lives only in the cookie; the store keeps its SHA-256, so a copy
 * of the database does not let anyone sign in. Each session has its own CSRF token.
 */
export class SessionService {
  constructor(
    private readonly store: Store,
    readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly onRevoke: () => void = () => {},
  ) {}

  async create(userId: string): Promise<{ secret: string; csrfToken: string; expiresAt: string }> {
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.policy.idleMs).toISOString();
    await this.store.db
      .insertInto('sessions')
      .values({
        id_hash: sha256Hex(secret),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        last_seen_at: now.toISOString(),
      })
      .execute();
    return { secret, csrfToken, expiresAt };
  }

  /** The session's enabled user and CSRF token, renewing the idle expiry; undefined when expired or unknown. */
  async authenticate(secret: string): Promise<ActiveSession | undefined> {
    if (secret.length < 20 || secret.length > 100) return undefined;
    const idHash = sha256Hex(secret);
    const row = await this.store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.created_at as session_created_at', 'sessions.expires_at', 'sessions.last_seen_at'])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = Date.now();
    const absoluteEnd = Date.parse(row.session_created_at) + this.policy.absoluteMs;
    if (Date.parse(row.expires_at) <= now || absoluteEnd <= now || row.disabled === 1) {
      await this.store.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      return undefined;
    }
    let expiresAt = row.expires_at;
    let renewed = false;
    // Sliding renewal, written at most once a minute per session.
    if (now - Date.parse(row.last_seen_at) > 60_000) {
      expiresAt = new Date(Math.min(now + this.policy.idleMs, absoluteEnd)).toISOString();
      await this.store.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now).toISOString(), expires_at: expiresAt })
        .where('id_hash', '=', idHash)
        .execute();
      renewed = true;
    }
    const { csrf_token, session_created_at: _created, expires_at: _expires, last_seen_at: _seen, ...user } = row;
    return { user, csrfToken: csrf_token, expiresAt, renewed };
  }

  async destroy(secret: string): Promise<void> {
    await this.store.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(secret)).execute();
    this.onRevoke();
  }

  /**
   * When the session ends (ms since epoch) and its user's role, without renewing it; undefined
   * when it has already ended or its user is disabled. Open event streams use it: a stream is
   * not activity that should keep a session alive.
   */
  async peek(secret: string): Promise<{ until: number; role: UsersTable['role'] } | undefined> {
    if (secret.length < 20 || secret.length > 100) return undefined;
    const row = await this.store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.created_at', 'sessions.expires_at', 'users.disabled', 'users.role'])
      .where('sessions.id_hash', '=', sha256Hex(secret))
      .executeTakeFirst();
    if (!row || row.disabled === 1) return undefined;
    const until = Math.min(Date.parse(row.expires_at), Date.parse(row.created_at) + this.policy.absoluteMs);
    return until > Date.now() ? { until, role: row.role } : undefined;
  }

  /** Drop expired sessions (called now and then; harmless to call often). */
  async purgeExpired(): Promise<number> {
    const result = await this.store.db.deleteFrom('sessions').where('expires_at', '<=', new Date().toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

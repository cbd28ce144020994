import { EventEmitter } from 'node:events';
import { isIP } from '../../net-address.js';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { UsersTable } from '../../store/schema.js';
import { DEFAULT_COST, dummyPasswordHash, type ScryptCost, verifyPassword } from './passwords.js';
import { LoginLockout } from './lockout.js';
import { WindowLimiter } from './rate-limit.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy, SessionService } from './sessions.js';
import { TokenService } from './tokens.js';
import { toUser, type User, UserService } from './users.js';

export interface LoginLimits {
  /** Login attempts per client address per window (default 20 per 5 minutes). */
  perIp: { limit: number; windowMs: number };
  /**
   * Failed attempts per (user name, client address) before that pair is locked (default 5,
   * forgotten 15 minutes after the last failure). The lock lasts `firstDelayMs` (1 s) and
   * doubles with each further failure up to `maxDelayMs` (15 min).
   */
  perUser: { limit: number; windowMs: number; firstDelayMs?: number; maxDelayMs?: number };
  /** Password changes per user per window (default 5 per 15 minutes). */
  passwordChange?: { limit: number; windowMs: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perIp: { limit: 20, windowMs: 5 * 60_000 },
  perUser: { limit: 5, windowMs: 15 * 60_000 },
  passwordChange: { limit: 5, windowMs: 15 * 60_000 },
};

/**
 * Emitted (`revoked`) when sessions or tokens may have stopped being valid: a logout, a disabled
 * or removed user, a changed password, a revoked token. Open event streams re-check their
 * caller on it and end when that caller is no longer signed in.
 */
export type AuthEvents = EventEmitter<{ revoked: [] }>;

export interface AuthOptions {
  cost?: ScryptCost;
  sessions?: SessionPolicy;
  loginLimits?: LoginLimits;
}

export interface LoginResult {
  user: User;
  secret: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Users, sessions and API tokens in one place; the CLI and the HTTP API only adapt it.
 */
export class AuthService {
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly tokens: TokenService;
  readonly events: AuthEvents = new EventEmitter();
  readonly lockout: LoginLockout;
  private readonly ipLimiter: WindowLimiter;
  private readonly passwordLimiter: WindowLimiter;
  private readonly throttleReports: WindowLimiter;

  constructor(
    private readonly store: Store,
    options: AuthOptions = {},
  ) {
    // Every open event stream listens; more than the default 10 listeners is normal.
    this.events.setMaxListeners(0);
    const revoked = () => this.events.emit('revoked');
    this.users = new UserService(store, options.cost ?? DEFAULT_COST, revoked);
    this.sessions = new SessionService(store, options.sessions ?? DEFAULT_SESSION_POLICY, revoked);
    this.tokens = new TokenService(store, this.users, revoked);
    const limits = options.loginLimits ?? DEFAULT_LOGIN_LIMITS;
    this.ipLimiter = new WindowLimiter(limits.perIp.limit, limits.perIp.windowMs);
    this.lockout = new LoginLockout(store, limits.perUser);
    const passwordChange = limits.passwordChange ?? DEFAULT_LOGIN_LIMITS.passwordChange!;
    this.passwordLimiter = new WindowLimiter(passwordChange.limit, passwordChange.windowMs);
    this.throttleReports = new WindowLimiter(1, Math.max(limits.perIp.windowMs, limits.perUser.windowMs));
  }

  /**
   * Check a name and password and open a session. Every attempt is counted before the password
   * is hashed: per client address (a fixed window) and per (user name, address) pair, which is
   * locked with growing delays once it has `perUser.limit` failures. A refused attempt costs no
   * hash and answers 429 `auth.rate-limited` with the wait. A wrong name and a wrong password
   * give the same error and take the same time.
   */
  async login(name: string, password: string, clientIp: string): Promise<LoginResult> {
    const userKey = name.trim().toLowerCase().slice(0, 100);
    // Checked and counted with no await in between, so parallel requests cannot all slip under it.
    let wait = this.ipLimiter.blockedFor(clientIp);
    if (wait === 0) {
      this.ipLimiter.hit(clientIp);
      wait = await this.lockout.reserve(userKey, clientIp);
    }
    if (wait > 0) {
      // One audit entry per address and name per window: a flood of refused attempts must not
      // flood the log (or the disk) too.
      const reportKey = `${clientIp} ${userKey}`;
      if (this.throttleReports.blockedFor(reportKey) === 0) {
        this.throttleReports.hit(reportKey);
        await this.store.audit(`ip:${clientIp}`, 'auth.login-throttled', userKey);
      }
      throw new VigilError('auth.rate-limited', `too many login attempts; try again in ${Math.ceil(wait / 1000)} s`, {
        status: 429,
        hint: 'wait, or ask an admin to run `vigil user unlock NAME` and to check the audit log for a password-guessing attempt',
      });
    }
    const row = await this.users.findRowByName(userKey);
    const ok = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, await dummyPasswordHash()).then(() => false);
    if (!row || !ok || row.disabled === 1) {
      // The failure was already counted by reserve().
      await this.store.audit(`ip:${clientIp}`, 'auth.login-failed', userKey, { reason: !row ? 'unknown user' : !ok ? 'wrong password' : 'disabled' });
      throw new VigilError('auth.bad-credentials', 'wrong user name or password', { status: 401 });
    }
    await this.lockout.clear(userKey, clientIp);
    const session = await this.sessions.create(row.id);
    await this.store.audit(row.name, 'auth.login', row.name, { ip: clientIp });
    return { user: toUser(row), ...session };
  }

  /**
   * Lift a user's login lockout, from one address or from all (`vigil user unlock`). Audited;
   * returns how many (user, address) pairs were unlocked.
   */
  async unlock(name: string, address: string | undefined, actor: string): Promise<number> {
    const userKey = name.trim().toLowerCase().slice(0, 100);
    if (address !== undefined && isIP(address) === 0) {
      throw new VigilError('auth.bad-address', `"${address}" is not an IP address`, { hint: 'give the address as the audit log shows it, e.g. 10.0.0.5' });
    }
    const count = await this.lockout.unlock(userKey, address);
    await this.store.audit(actor, 'auth.unlock', userKey, { address: address ?? 'all', pairs: count });
    return count;
  }

  /**
   * Change one's own password after checking the current one. Rate-limited per user (every
   * attempt counted before the hash, so a stolen session cannot test guesses quickly) and
   * audited: failures, refusals and the change itself, never a password.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string, clientIp: string): Promise<User> {
    const row = await this.users.findRowById(userId);
    if (!row) throw new VigilError('auth.no-user', 'the signed-in user no longer exists', { status: 401 });
    const wait = this.passwordLimiter.blockedFor(userId);
    if (wait > 0) {
      if (this.throttleReports.blockedFor(`password ${userId}`) === 0) {
        this.throttleReports.hit(`password ${userId}`);
        await this.store.audit(row.name, 'auth.password-throttled', row.name, { ip: clientIp });
      }
      throw new VigilError('auth.rate-limited', `too many password changes; try again in ${Math.ceil(wait / 1000)} s`, {
        status: 429,
        hint: 'wait, or ask an admin to set it (vigil user password NAME)',
      });
    }
    this.passwordLimiter.hit(userId);
    if (!(await verifyPassword(currentPassword, row.password_hash))) {
      await this.store.audit(row.name, 'auth.password-change-failed', row.name, { ip: clientIp });
      throw new VigilError('auth.bad-credentials', 'the current password is wrong', { status: 403 });
    }
    return this.users.update(userId, { password: newPassword }, row.name, 'auth.password-change');
  }

  async logout(secret: string, actor: string): Promise<void> {
    await this.sessions.destroy(secret);
    await this.store.audit(actor, 'auth.logout', actor);
  }

  /** The user behind a bearer token (undefined when unknown, revoked or disabled). */
  authenticateToken(token: string): Promise<UsersTable | undefined> {
    return this.tokens.authenticate(token);
  }
}

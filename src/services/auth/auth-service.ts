import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { UsersTable } from '../../store/schema.js';
import { DEFAULT_COST, dummyPasswordHash, type ScryptCost, verifyPassword } from './passwords.js';
import { WindowLimiter } from './rate-limit.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy, SessionService } from './sessions.js';
import { TokenService } from './tokens.js';
import { toUser, type User, UserService } from './users.js';

export interface LoginLimits {
  /** Login attempts per client address per window (default 20 per 5 minutes). */
  perIp: { limit: number; windowMs: number };
  /** Failed attempts per user name per window (default 5 per 15 minutes). */
  perUser: { limit: number; windowMs: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perIp: { limit: 20, windowMs: 5 * 60_000 },
  perUser: { limit: 5, windowMs: 15 * 60_000 },
};

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
  private readonly ipLimiter: WindowLimiter;
  private readonly userLimiter: WindowLimiter;
  private readonly throttleReports: WindowLimiter;

  constructor(
    private readonly store: Store,
    options: AuthOptions = {},
  ) {
    this.users = new UserService(store, options.cost ?? DEFAULT_COST);
    this.sessions = new SessionService(store, options.sessions ?? DEFAULT_SESSION_POLICY);
    this.tokens = new TokenService(store, this.users);
    const limits = options.loginLimits ?? DEFAULT_LOGIN_LIMITS;
    this.ipLimiter = new WindowLimiter(limits.perIp.limit, limits.perIp.windowMs);
    this.userLimiter = new WindowLimiter(limits.perUser.limit, limits.perUser.windowMs);
    this.throttleReports = new WindowLimiter(1, Math.max(limits.perIp.windowMs, limits.perUser.windowMs));
  }

  /**
   * Check a name and password and open a session. Rate-limited per client address (every
   * attempt) and per user name (failures), answering 429 `auth.rate-limited` with the wait.
   * A wrong name and a wrong password give the same error and take the same time.
   */
  async login(name: string, password: string, clientIp: string): Promise<LoginResult> {
    const userKey = name.trim().toLowerCase().slice(0, 100);
    const wait = Math.max(this.ipLimiter.blockedFor(clientIp), this.userLimiter.blockedFor(userKey));
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
        hint: 'wait, or ask an admin to check the audit log for a password-guessing attempt',
      });
    }
    this.ipLimiter.hit(clientIp);
    const row = await this.users.findRowByName(userKey);
    const ok = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, await dummyPasswordHash()).then(() => false);
    if (!row || !ok || row.disabled === 1) {
      this.userLimiter.hit(userKey);
      await this.store.audit(`ip:${clientIp}`, 'auth.login-failed', userKey, { reason: !row ? 'unknown user' : !ok ? 'wrong password' : 'disabled' });
      throw new VigilError('auth.bad-credentials', 'wrong user name or password', { status: 401 });
    }
    this.userLimiter.reset(userKey);
    const session = await this.sessions.create(row.id);
    await this.store.audit(row.name, 'auth.login', row.name, { ip: clientIp });
    return { user: toUser(row), ...session };
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

import { createHash, randomBytes } from 'node:crypto';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { ApiTokensTable, UsersTable } from '../../store/schema.js';
import type { UserService } from './users.js';

export const TOKEN_PREFIX = 'vgl_';

export interface ApiToken {
  id: string;
  name: string;
  userId: string;
  userName: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * API tokens for scripts: `Authorization: Bearer vgl_…`. The token is shown once at creation;
 * only its SHA-256 is stored (a random 256-bit secret needs no slow hash). A token acts with its
 * user's role and stops working when the user is disabled or the token revoked.
 */
export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly users: UserService,
    private readonly onRevoke: () => void = () => {},
  ) {}

  async create(input: { name: string; user: string }, actor: string): Promise<{ token: string; info: ApiToken }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new VigilError('auth.bad-token-name', 'a token needs a name of 1–100 characters (what script uses it)');
    const user = await this.users.get(input.user);
    if (user.disabled) throw new VigilError('auth.user-disabled', `user "${user.name}" is disabled`, { status: 409 });
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: ApiTokensTable = {
      id: randomBytes(6).toString('hex'),
      user_id: user.id,
      name,
      token_hash: sha256Hex(token),
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.store.db.insertInto('api_tokens').values(row).execute();
    await this.store.audit(actor, 'token.create', row.id, { name, user: user.name });
    return { token, info: { id: row.id, name, userId: user.id, userName: user.name, createdAt: row.created_at, lastUsedAt: null, revokedAt: null } };
  }

  async list(): Promise<ApiToken[]> {
    const rows = await this.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id',
        'api_tokens.name',
        'api_tokens.user_id',
        'users.name as user_name',
        'api_tokens.created_at',
        'api_tokens.last_used_at',
        'api_tokens.revoked_at',
      ])
      .orderBy('api_tokens.created_at')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      userId: row.user_id,
      userName: row.user_name,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    }));
  }

  async revoke(id: string, actor: string): Promise<void> {
    const row = await this.store.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new VigilError('auth.no-token', `no API token with id "${id}"`, { status: 404, hint: 'list tokens with `vigil token list`' });
    if (row.revoked_at) return;
    await this.store.db.updateTable('api_tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).execute();
    this.onRevoke();
    await this.store.audit(actor, 'token.revoke', id, { name: row.name });
  }

  /** The enabled user behind a bearer token, or undefined. */
  async authenticate(token: string): Promise<UsersTable | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    const hash = sha256Hex(token);
    const row = await this.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
      .where('api_tokens.token_hash', '=', hash)
      .where('api_tokens.revoked_at', 'is', null)
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    // Record use at most once a minute: a busy script should not turn every read into a write.
    const now = new Date();
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
      await this.store.db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.token_id).execute();
    }
    const { token_id: _id, last_used_at: _used, ...user } = row;
    return user;
  }
}

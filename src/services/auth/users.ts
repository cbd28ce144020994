import { randomUUID } from 'node:crypto';
import { VigilError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { UsersTable } from '../../store/schema.js';
import { DEFAULT_COST, hashPassword, type ScryptCost } from './passwords.js';

import { ROLES, type Role } from './roles.js';

export { ROLES, type Role };

/** A user as shown to callers: never the password hash. */
export interface User {
  id: string;
  name: string;
  role: Role;
  displayName: string | null;
  locale: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const MIN_PASSWORD_LENGTH = 10;
const NAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    displayName: row.display_name,
    locale: row.locale,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new VigilError('auth.weak-password', `the password has ${password.length} characters; at least ${MIN_PASSWORD_LENGTH} are needed`, {
      hint: 'use a passphrase of several words',
    });
  }
  if (password.length > 1024) throw new VigilError('auth.weak-password', 'the password is longer than 1024 characters');
}

function validateRole(role: string): asserts role is Role {
  if (!ROLES.includes(role as Role)) {
    throw new VigilError('auth.bad-role', `unknown role "${role}"`, { hint: `use one of: ${ROLES.join(', ')}` });
  }
}

/**
 * Users: create, list, change, disable, remove. Every change is written to the audit log as
 * `actor` (a user name, or `cli:<os user>` for the command line).
 */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly cost: ScryptCost = DEFAULT_COST,
    private readonly onRevoke: () => void = () => {},
  ) {}

  async create(input: { name: string; role: string; password: string; displayName?: string | null; locale?: string }, actor: string): Promise<User> {
    const name = input.name.trim().toLowerCase();
    if (!NAME_PATTERN.test(name)) {
      throw new VigilError('auth.bad-name', `"${input.name}" is not a valid user name`, {
        hint: 'use 1–64 lowercase letters, digits and . _ @ -, starting with a letter or digit',
      });
    }
    validateRole(input.role);
    validatePassword(input.password);
    if (await this.findRowByName(name)) throw new VigilError('auth.user-exists', `a user named "${name}" already exists`, { status: 409 });
    const now = new Date().toISOString();
    const row: UsersTable = {
      id: randomUUID(),
      name,
      role: input.role,
      password_hash: await hashPassword(input.password, this.cost),
      display_name: input.displayName ?? null,
      locale: input.locale === 'en' ? 'en' : 'vi',
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.store.db.insertInto('users').values(row).execute();
    await this.store.audit(actor, 'user.create', name, { role: row.role });
    return toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const row = await this.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findRowByName(name: string): Promise<UsersTable | undefined> {
    return this.store.db.selectFrom('users').selectAll().where('name', '=', name.trim().toLowerCase()).executeTakeFirst();
  }

  findRowById(id: string): Promise<UsersTable | undefined> {
    return this.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A user by id or by name; VigilError `auth.no-user` (404) when there is none. */
  async get(idOrName: string): Promise<User> {
    const row = (await this.findRowById(idOrName)) ?? (await this.findRowByName(idOrName));
    if (!row) throw new VigilError('auth.no-user', `no user "${idOrName}"`, { status: 404, hint: 'list users with `vigil user list`' });
    return toUser(row);
  }

  async update(
    idOrName: string,
    changes: { role?: string; displayName?: string | null; locale?: string; disabled?: boolean; password?: string },
    actor: string,
    /** The audit action; default user.disable or user.update. */
    auditAction?: string,
  ): Promise<User> {
    const user = await this.get(idOrName);
    const set: Partial<UsersTable> = {};
    if (changes.role !== undefined) {
      validateRole(changes.role);
      set.role = changes.role;
    }
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.locale !== undefined) set.locale = changes.locale === 'en' ? 'en' : 'vi';
    if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
    if (changes.password !== undefined) {
      validatePassword(changes.password);
      set.password_hash = await hashPassword(changes.password, this.cost);
    }
    const losesAdmin = user.role === 'admin' && !user.disabled && ((set.role !== undefined && set.role !== 'admin') || set.disabled === 1);
    if (losesAdmin) await this.assertAnotherAdmin(user.id);
    if (Object.keys(set).length === 0) return user;
    set.updated_at = new Date().toISOString();
    await this.store.db.updateTable('users').set(set).where('id', '=', user.id).execute();
    // A disabled user or a changed password ends every open browser session of that user.
    // A role change too: open event streams re-check the role their route needs.
    if (set.disabled === 1 || set.password_hash) await this.store.db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    if (set.disabled === 1 || set.password_hash || set.role !== undefined) this.onRevoke();
    const detail: Record<string, unknown> = { ...changes };
    if ('password' in detail) detail.password = '(changed)';
    await this.store.audit(actor, auditAction ?? (changes.disabled === true ? 'user.disable' : 'user.update'), user.name, detail);
    return this.get(user.id);
  }

  disable(idOrName: string, actor: string): Promise<User> {
    return this.update(idOrName, { disabled: true }, actor);
  }

  /** Remove a user with their sessions and tokens (the audit log keeps their name). */
  async remove(idOrName: string, actor: string): Promise<void> {
    const user = await this.get(idOrName);
    if (user.role === 'admin' && !user.disabled) await this.assertAnotherAdmin(user.id);
    await this.store.db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await this.store.db.deleteFrom('api_tokens').where('user_id', '=', user.id).execute();
    await this.store.db.deleteFrom('users').where('id', '=', user.id).execute();
    this.onRevoke();
    await this.store.audit(actor, 'user.delete', user.name);
  }

  /** Refuse to remove the last enabled admin: nobody could manage vigil from the API afterwards. */
  private async assertAnotherAdmin(exceptId: string): Promise<void> {
    const others = await this.store.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .where('id', '!=', exceptId)
      .limit(1)
      .execute();
    if (others.length === 0) {
      throw new VigilError('auth.last-admin', 'this is the last enabled admin; vigil would have nobody to manage it', {
        status: 409,
        hint: 'create or enable another admin first',
      });
    }
  }
}

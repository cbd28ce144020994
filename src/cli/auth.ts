import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AuthService } from '../services/auth/auth-service.js';
import type { CliContext } from './context.js';

/** The audit-log actor for changes made from the command line. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * The auth service over the store (`vigil user`, `vigil token`): loaded when a command runs, not
 * when it is registered, so other commands start without the password hashing and the store.
 */
export async function authService(ctx: CliContext, command: Command): Promise<AuthService> {
  const [{ AuthService }, store] = await Promise.all([import('../services/auth/auth-service.js'), ctx.store(command)]);
  return new AuthService(store);
}

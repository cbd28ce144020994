/**
 * Lists that command help text names (`--role <role>`: one of …). Copies, because registering a
 * command must not load its capability: the originals live in modules that pull in the store's
 * query builder (src/leaks/triage/triage.ts imports kysely, ~0.2 s to load) or the password
 * hashing. src/cli/choices.test.ts fails when a copy and its original differ.
 */

/** = ROLES of src/services/auth/users.ts */
export const USER_ROLES = ['admin', 'analyst', 'viewer'] as const;

/** = LEAK_STATES of src/leaks/triage/triage.ts */
export const LEAK_STATE_NAMES = ['detected', 'notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised', 'closed'] as const;

/**
 * The roles of vigil's users. A module of its own, with no imports, so the CLI can name them in
 * its help without loading the user service (and the password hashing behind it).
 */
export type Role = 'admin' | 'analyst' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];

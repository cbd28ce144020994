import { createContext, useContext } from 'react';
import type { Me, Role } from './api';

const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

export interface AuthState {
  user: Me;
  logout(): Promise<void>;
}

export const AuthContext = createContext<AuthState | null>(null);

/** The signed-in user, and whether they hold at least a role: `can('analyst')`. */
export function useAuth(): AuthState & { can(role: Role): boolean } {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth() outside the signed-in shell');
  return { ...state, can: (role: Role) => RANK[state.user.role] >= RANK[role] };
}

export function roleAllows(held: Role, needed: Role | undefined): boolean {
  return needed === undefined || RANK[held] >= RANK[needed];
}

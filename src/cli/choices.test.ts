import { describe, expect, it } from 'vitest';
import { LEAK_STATES } from '../leaks/triage/triage.js';
import { ROLES } from '../services/auth/users.js';
import { LEAK_STATE_NAMES, USER_ROLES } from './choices.js';

describe('the CLI’s copies of the lists its help text names', () => {
  it('are the user roles of the auth service, in order', () => {
    expect(USER_ROLES).toEqual(ROLES);
  });

  it('are the leak triage states, in order', () => {
    expect(LEAK_STATE_NAMES).toEqual(LEAK_STATES);
  });
});

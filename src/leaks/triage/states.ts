/**
 * The lifecycle of a leaked account (leak-intake.md, after Entra ID / Enzoic / SpyCloud). A module
 * of its own, with no imports, so the CLI can name the states in its help without loading the
 * triage service (and the query builder behind it).
 */
export const LEAK_STATES = ['detected', 'notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised', 'closed'] as const;
export type LeakState = (typeof LEAK_STATES)[number];

/** The HTTP probe: `collectWebEvidence(url, ctx, options)` → `WebEvidence` for the web checks. */
export { collectWebEvidence, normaliseTarget, type CollectWebOptions } from './collect.js';
export { defaultResolver, type ResolveHost } from './client.js';
export type * from './types.js';

export { DnsClient, type DnsClientOptions, type DnsClientStats, type QueryOptions } from './client.js';
export { defaultResolver, firstNameserver } from './system.js';
export type { Endpoint } from './transport.js';
export * from './types.js';
export { invalidNameReason, normaliseQueryName } from './wire.js';

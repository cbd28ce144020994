import type { ProbeContext } from '../../probes/context.js';
import { type HttpEvidence, monitorRequest } from '../../probes/http/monitor-client.js';
import type { HttpMonitorConfig } from '../config-schema.js';

// The pooled client lives in src/probes/http (the only code that touches the network); the watch
// and its tests reach it through this module.
export { closeHttpAgent, fetchPageAsset, type HttpEvidence, httpAgent, monitorCredentials, sameOrigin } from '../../probes/http/monitor-client.js';

/** One HTTP check: the probes' pooled keep-alive client with this monitor's request. */
export function probeHttp(config: HttpMonitorConfig, context: ProbeContext): Promise<HttpEvidence> {
  return monitorRequest(config, context);
}

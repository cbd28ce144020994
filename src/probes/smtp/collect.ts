/**
 * Entry for the assessment orchestrator: probe every MX host of a domain, a few at a time, and
 * hand the evidence to checkMailTransport (src/checks/mail/transport).
 */
import type { ProbeContext } from '../context.js';
import { mapLimited } from '../tls/limit.js';
import { type ProbeSmtpOptions, probeSmtp } from './probe.js';
import type { MailTransportEvidence } from './types.js';

export interface CollectMailTransportOptions extends ProbeSmtpOptions {
  /** MX hosts probed at once (default 4). */
  concurrency?: number | undefined;
}

export async function collectMailTransportEvidence(
  mxHosts: { name: string; addresses: string[] }[],
  ctx: ProbeContext,
  options: CollectMailTransportOptions = {},
): Promise<MailTransportEvidence> {
  const started = performance.now();
  const observedAt = new Date().toISOString();
  const mx = await mapLimited(mxHosts, options.concurrency ?? 4, (host) => probeSmtp(host.name, host.addresses, ctx, options));
  return { mx, observedAt, durationMs: Math.round(performance.now() - started) };
}

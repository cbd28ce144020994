import type { ProbeContext } from '../../probes/context.js';
import { smtpGreeting } from '../../probes/smtp/greeting.js';
import type { SmtpGreetingEvidence } from '../../probes/smtp/types.js';
import type { SmtpMonitorConfig } from '../config-schema.js';

/** The SMTP monitor's evidence is the probes' light SMTP evidence: banner, EHLO, STARTTLS. */
export type SmtpEvidence = SmtpGreetingEvidence;

export function probeSmtp(config: SmtpMonitorConfig, context: ProbeContext): Promise<SmtpEvidence> {
  return smtpGreeting(config.host, config.port, context, { heloName: config.heloName, starttls: config.starttls, timeoutMs: config.timeout });
}

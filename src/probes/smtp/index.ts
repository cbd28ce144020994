export { collectMailTransportEvidence, type CollectMailTransportOptions } from './collect.js';
export { MAIL_SERVICE_PORTS, type ProbeSmtpOptions, probeService, probeSmtp, RELAY_PROBE_FROM, RELAY_PROBE_TO, smtpSession } from './probe.js';
export type * from './types.js';
export { type SmtpGreetingOptions, smtpGreeting } from './greeting.js';

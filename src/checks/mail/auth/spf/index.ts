export {
  checkHost,
  DEFAULT_SPF_LIMITS,
  evaluateSpf,
  malformedDomainReason,
  parseClientIp,
  type SpfEvaluation,
  type SpfLimits,
  type SpfRequest,
  type SpfResolver,
  type SpfResultCode,
  type SpfTraceEntry,
} from './check-host.js';
export { SpfSyntaxError } from './macro.js';
export { DNS_MECHANISMS, isSpfRecord, type Mechanism, type ParsedSpfRecord, parseSpfRecord } from './parse.js';

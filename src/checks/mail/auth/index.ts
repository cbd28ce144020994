/**
 * The mail-authentication and DNS checks of a mail domain: pure functions from MailDnsEvidence
 * (src/probes/mail-dns.ts) to CheckResults with the catalogue's ids. A check whose lookups failed
 * reports `error` with the reason; the others are unaffected.
 */
import type { MailDnsEvidence } from '../../../probes/mail-dns.js';
import { checkDnsEvidence } from '../../dns/index.js';
import type { CheckResult } from '../../types.js';
import { checkMx, checkSpfAll, checkSpfAuthorised, checkSpfLookups, checkSpfRecord } from './mx-spf.js';
import { checkDkim, checkDmarcPolicy, checkDmarcRecord, checkDmarcReports, checkMtaSts, checkTlsRpt } from './policies.js';

export { checkDane } from '../../dns/index.js';
export { checkDkim, checkDmarcPolicy, checkDmarcRecord, checkDmarcReports, checkMtaSts, checkTlsRpt, mxMatchesPattern, parseMtaStsPolicy } from './policies.js';
export { checkMx, checkSpfAll, checkSpfAuthorised, checkSpfLookups, checkSpfRecord };

/** Ids produced by checkMailDns, in order. */
export const MAIL_DNS_CHECK_IDS = [
  'mail.mx',
  'mail.spf.record',
  'mail.spf.all',
  'mail.spf.lookups',
  'mail.spf.mx-authorised',
  'mail.dmarc.record',
  'mail.dmarc.policy',
  'mail.dmarc.reports',
  'mail.dkim',
  'mail.mta-sts',
  'mail.tls-rpt',
  'dns.dnssec',
  'dns.axfr',
  'dns.caa',
] as const;

export function checkMailDns(evidence: MailDnsEvidence): CheckResult[] {
  const e = evidence;
  return [
    checkMx(e),
    checkSpfRecord(e),
    checkSpfAll(e),
    checkSpfLookups(e),
    checkSpfAuthorised(e),
    checkDmarcRecord(e),
    checkDmarcPolicy(e),
    checkDmarcReports(e),
    checkDkim(e),
    checkMtaSts(e),
    checkTlsRpt(e),
    ...checkDnsEvidence(e),
  ];
}

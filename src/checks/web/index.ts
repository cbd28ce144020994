/**
 * The web checks: `checkWeb(evidence)` → one result per catalogue id, in catalogue order. Pure.
 * Scoring: every result carries `evidence.observatoryModifier` (MDN HTTP Observatory style, 0 for
 * checks the Observatory does not have) so an Observatory-like score can be computed; categories:
 * `web-tls` (web.https, web.hsts), `web-headers` (headers, cookies, CORS, SRI, disclosure, CMS,
 * security.txt, mixed content), `exposure` (web.exposure.*, web.admin-panel).
 * TLS results (web.tls.*) come from src/checks/tls and are appended by the assessment service.
 */
import type { WebEvidence } from '../../probes/http/types.js';
import type { CheckResult } from '../types.js';
import { checkCookies, checkCors } from './cookies-cors.js';
import { checkCms, checkDisclosure, checkMixedContent, checkSri } from './content.js';
import { EXPOSURE_SPECS, checkAdminPanels, checkExposure } from './exposure.js';
import { checkCsp, checkPermissionsPolicy, checkReferrerPolicy, checkXcto, checkXfo } from './headers.js';
import { checkSecurityTxt } from './security-txt.js';
import { checkHsts, checkHttps } from './transport.js';

/** Catalogue ids produced by checkWeb, in order (published: never rename). */
export const WEB_CHECK_IDS = [
  'web.https',
  'web.hsts',
  'web.headers.csp',
  'web.headers.x-frame-options',
  'web.headers.x-content-type-options',
  'web.headers.referrer-policy',
  'web.headers.permissions-policy',
  'web.cookies',
  'web.cors',
  'web.sri',
  'web.disclosure',
  ...EXPOSURE_SPECS.map((s) => s.id),
  'web.admin-panel',
  'web.cms',
  'web.security-txt',
  'web.mixed-content',
] as const;

export function checkWeb(evidence: WebEvidence): CheckResult[] {
  return [
    checkHttps(evidence),
    checkHsts(evidence),
    checkCsp(evidence),
    checkXfo(evidence),
    checkXcto(evidence),
    checkReferrerPolicy(evidence),
    checkPermissionsPolicy(evidence),
    checkCookies(evidence),
    checkCors(evidence),
    checkSri(evidence),
    checkDisclosure(evidence),
    ...EXPOSURE_SPECS.map((spec) => checkExposure(evidence, spec)),
    checkAdminPanels(evidence),
    checkCms(evidence),
    checkSecurityTxt(evidence),
    checkMixedContent(evidence),
  ];
}

export { analyseCsp, parseCspPolicy } from './headers.js';
export { parseHsts } from './transport.js';

/**
 * What vigil knows about CMS release branches, offline (agencies' networks often have no Internet).
 * `latest` is the newest branch known when this table was written (RELEASES_AS_OF); a site below it
 * is "outdated" (warn). `supportedFrom` is the oldest branch still receiving security fixes; below
 * it the site runs an end-of-life CMS (fail). Update this table with each vigil release.
 *
 * Sources: wordpress.org/download/releases (security fixes are backported to 4.7+),
 * joomla.org (3.x EOL 2023-08-17, 4.x EOL 2025-10-17), drupal.org/about/core/policies
 * (7 EOL 2025-01-05, 8 EOL 2021-11-02, 9 EOL 2023-11-01).
 */
export const RELEASES_AS_OF = '2025-07';

export interface CmsBranchInfo {
  product: string;
  latest: string;
  supportedFrom: string;
}

export const CMS_BRANCHES: Record<'wordpress' | 'joomla' | 'drupal', CmsBranchInfo> = {
  wordpress: { product: 'WordPress', latest: '6.8', supportedFrom: '4.7' },
  joomla: { product: 'Joomla!', latest: '5.3', supportedFrom: '5.0' },
  drupal: { product: 'Drupal', latest: '11.2', supportedFrom: '10.0' },
};

/** Compare dotted versions numerically (missing parts count as 0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** major.minor of a version (the branch). */
export function branchOf(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

export type CmsVerdict = 'end-of-life' | 'outdated' | 'current' | 'unknown';

export function judgeCmsVersion(cms: 'wordpress' | 'joomla' | 'drupal', version: string | undefined): CmsVerdict {
  if (!version) return 'unknown';
  const info = CMS_BRANCHES[cms];
  const branch = branchOf(version);
  if (compareVersions(branch, info.supportedFrom) < 0) return 'end-of-life';
  if (compareVersions(branch, info.latest) < 0) return 'outdated';
  return 'current';
}

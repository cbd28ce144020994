export const STATES = ['detected', 'notified', 'reset_requested', 'remediated', 'dismissed', 'confirmed_compromised', 'closed'] as const;
export const SEVERITIES = ['stealer', 'plaintext', 'hashed', 'address'] as const;
export const SEVERITY_RANK: Record<string, number> = { address: 0, hashed: 1, plaintext: 2, stealer: 3 };
/** States in which nothing more is needed (the directive's "run to closure"). */
export const DONE = new Set(['remediated', 'dismissed', 'closed']);
export const CATEGORIES = ['vn', 'gov.vn', 'edu.vn', 'bank', 'org'] as const;

/** One colour per state, the same in the chart and the badges (leaks.css). */
export const STATE_COLOURS: Record<string, string> = {
  detected: '#b42318',
  notified: '#d68a00',
  reset_requested: '#6b4fbb',
  remediated: '#1e7a46',
  dismissed: '#8a96a3',
  confirmed_compromised: '#6e0f0a',
  closed: '#0b5cad',
};

export interface Source {
  id: string;
  name: string;
  title: string;
  breachDate: string | null;
  addedDate: string;
  pwnCount: number;
  orgCount: number;
  dataClasses: string[];
  flags: Record<string, boolean>;
}

export interface FileCensus {
  key: string;
  name: string;
  path: string;
  size: number;
  completedAt: string | null;
  bytes: number | null;
  lines: number | null;
  records: number | null;
  rejected: number | null;
  rejectedByReason: Record<string, number>;
  skipped: Record<string, number>;
  uniqueAddresses: number | null;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<string, number | null>;
  domains: Record<string, number>;
}

/** The whole source: sums (bytes, lines, records, rejected) and unions over files and import runs (the rest). */
export interface SourceTotals {
  files: number;
  filesWithoutSketch: string[];
  bytes: number;
  lines: number;
  records: number;
  rejected: number;
  uniqueAddresses: number;
  uniqueAddressesEstimated: boolean;
  uniqueAddressesErrorBound: number | null;
  categories: Record<string, number>;
  domains: Record<string, number>;
}

export interface SourceDetail extends Source {
  files: FileCensus[];
  totals: SourceTotals;
  accountsByState: Record<string, number>;
  accountsBySeverity: Record<string, number>;
}

export interface Account {
  email: string;
  orgDomain: string;
  staffName: string | null;
  unit: string | null;
  assignedUnit: string | null;
  state: string;
  severity: string;
  passwordKind: string;
  passwordMask: string | null;
  firstSeen: string;
  lastSeen: string;
  sources: string[];
}

export interface Progress {
  unit: string;
  states: Record<string, number>;
  total: number;
}

export interface AccountFilter {
  state?: string | undefined;
  unit?: string | undefined;
  severity?: string | undefined;
  source?: string | undefined;
  /** Part of the address or the person's name. */
  text?: string | undefined;
}

/** One page of GET /leaks/accounts. */
export interface AccountPage {
  /** Accounts under the filters (all pages). */
  total: number;
  limit: number;
  sort: string;
  order: 'asc' | 'desc';
  nextCursor: string | null;
  accounts: Account[];
}

export function unitOf(a: Account): string {
  return a.assignedUnit ?? a.unit ?? '(chưa gán / unassigned)';
}

export { useResource } from '../../useResource';

export function formatNumber(n: number | null | undefined, language: string): string {
  return n === null || n === undefined ? '—' : n.toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN');
}

export function formatBytes(n: number | null, language: string): string {
  if (n === null) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString(language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

export function formatDate(iso: string | null, language: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(language === 'en' ? 'en-GB' : 'vi-VN');
}

import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from '../../api';

/** Types of the watch API's answers and the board's data loading (shared by the watch page's views). */

export type MonitorStatus = 'up' | 'down' | 'degraded' | 'pending';

export interface Row {
  id: string;
  name: string;
  type: string;
  source?: string;
  enabled?: boolean;
  tags?: { unit?: string; system?: string; securityLevel?: string | number };
  status: MonitorStatus;
  detail: string;
  responseMs: number | null;
  checkedAt: string | null;
  changedAt?: string | null;
}

export interface Shift {
  id: string;
  start: string;
  end: string;
  primary: string;
  secondary?: string;
  label?: string;
  current?: boolean;
}

export interface Person {
  name: string;
  email?: string;
  phone?: string;
  telegramChatId?: string;
}

export interface Holiday {
  name: string;
  from: string;
  to: string;
}

/** GET /watch/roster; fields beyond shifts/people are read when the server sends them. */
export interface Roster {
  shifts: Shift[];
  people: Person[];
  holidays?: Holiday[];
  current?: Shift | null;
  next?: Shift | null;
}

export interface LogEntry {
  id: number;
  at: string;
  shift_id: string | null;
  kind: string;
  actor: string;
  alert_id: string | null;
  text: string;
}

export interface Alert {
  id: string;
  monitor_id: string;
  kind: string;
  summary: string;
  opened_at: string;
  acked_at: string | null;
  acked_by: string | null;
  resolved_at: string | null;
  escalation_step?: number;
}

export const STATUS_LABEL: Record<MonitorStatus, [string, string]> = {
  up: ['Hoạt động', 'Up'],
  degraded: ['Suy giảm', 'Degraded'],
  down: ['Ngừng', 'Down'],
  pending: ['Chờ kiểm tra', 'Pending'],
};

/** Severity order for "problems first". */
export const STATUS_RANK: Record<MonitorStatus, number> = { down: 0, degraded: 1, pending: 2, up: 3 };

export function statusTone(status: string): 'ok' | 'warn' | 'fail' | 'info' {
  return status === 'up' ? 'ok' : status === 'down' ? 'fail' : status === 'degraded' ? 'warn' : 'info';
}

/** The page's two-language helper: `L('Tiếng Việt', 'English')`, Vietnamese first. */
export function useL() {
  const { i18n } = useTranslation();
  return useCallback((vi: string, en: string) => (i18n.language === 'en' ? en : vi), [i18n.language]);
}

/** Local date and time, Vietnamese style (dd/mm hh:mm), in the browser's timezone. */
export function formatTime(iso: string | null | undefined, withYear = false): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}${withYear ? `/${d.getFullYear()}` : ''} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms: number, L: (vi: string, en: string) => string): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} ${L('phút', 'min')}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ${L('giờ', 'h')} ${minutes % 60} ${L('phút', 'min')}`;
  return `${Math.floor(hours / 24)} ${L('ngày', 'd')} ${hours % 24} ${L('giờ', 'h')}`;
}

const FIRST_PAGE = 1_000;
const PAGE = 3_000;
type Page = { total: number; items: Row[] };

/**
 * Every monitor's board row: a first page (the first screen and the total), then the rest in
 * parallel pages. `onPage` sees the rows so far, so the first screen shows before the last page.
 */
export async function fetchBoardRows(onPage?: (rows: Row[], total: number) => void): Promise<Row[]> {
  const first = await apiGet<Page>('/watch/monitors', { offset: 0, limit: FIRST_PAGE });
  if (first.total <= first.items.length) return first.items;
  onPage?.(first.items, first.total);
  const offsets: number[] = [];
  for (let offset = FIRST_PAGE; offset < first.total; offset += PAGE) offsets.push(offset);
  const rest = await Promise.all(offsets.map((offset) => apiGet<Page>('/watch/monitors', { offset, limit: PAGE })));
  return first.items.concat(...rest.map((page) => page.items));
}

/**
 * Started when this chunk is evaluated on a /watch board URL, not in an effect: React reveals a
 * lazily loaded page up to 300 ms after its chunk arrives (Suspense throttling), and the list
 * should be on its way during that time. Taken once; later visits fetch afresh.
 */
let prefetched: Promise<Row[]> | null =
  typeof window !== 'undefined' && /^\/watch\/?$/.test(window.location.pathname) ? fetchBoardRows().catch(() => []) : null;

export function takePrefetchedRows(): Promise<Row[]> | null {
  const p = prefetched;
  prefetched = null;
  return p;
}

/** The rows last shown, so returning from a monitor's detail shows the board at once (then refreshes). */
export const boardCache: { rows: Row[] | null } = { rows: null };

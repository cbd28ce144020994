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
  /** Level of the page's open defacement finding (defacement, warning, change), or null. */
  defacement?: string | null;
}

export interface Shift {
  id: string;
  start: string;
  end: string;
  primary: string;
  secondary?: string;
  label?: string;
  /** rotation = generated over the holiday calendar; override = an explicit onCall.shifts entry. */
  kind?: 'rotation' | 'override';
  holiday?: string;
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
  start?: string;
  end?: string;
  current?: boolean;
}

/** GET /watch/roster (src/http/routes/watch.ts rosterResponseSchema); optional fields tolerate an older server. */
export interface Roster {
  timezone?: string;
  /** Local HH:MM of the daily handover. */
  handover?: string;
  shifts: Shift[];
  people: Person[];
  holidays?: Holiday[];
  onDuty?: {
    at: string;
    source: 'override' | 'rotation' | 'fallback' | 'none';
    primary: string | null;
    secondary: string | null;
    shiftId: string | null;
    holiday: string | null;
  };
  fallback?: { primary: string; secondary: string | null } | null;
  unknownNames?: string[];
}

/** GET /watch/monitors/:id */
export interface MonitorInfo {
  id: string;
  name: string;
  type: string;
  source: 'config' | 'api';
  editable: boolean;
  enabled: boolean;
  config: Record<string, unknown>;
  status: MonitorStatus;
  detail: string;
  checkedAt: string | null;
  defacement?: string | null;
  heartbeatPath?: string;
  createdAt?: string;
  updatedAt?: string;
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

/** Defacement levels: Vietnamese, English, badge tone. */
export const LEVEL_LABEL: Record<string, [string, string, string]> = {
  defacement: ['Nghi bị thay đổi giao diện (deface)', 'Likely defacement', 'fail'],
  warning: ['Dấu hiệu tấn công', 'Defacer artefacts', 'warn'],
  change: ['Nội dung thay đổi lớn', 'Large change', 'info'],
};

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

/**
 * Times are shown in the agency's timezone (the roster's, default Asia/Ho_Chi_Minh), not the
 * browser's: a shift "07:00–19:00" must read the same on every screen of the watch team.
 */
let displayTimezone = 'Asia/Ho_Chi_Minh';
const formatters = new Map<string, Intl.DateTimeFormat>();
export function setDisplayTimezone(timezone: string | undefined): void {
  if (timezone) displayTimezone = timezone;
}

/** Date parts in the display timezone. */
export function timeParts(iso: string): { year: string; month: string; day: string; hour: string; minute: string; weekday: number } | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  let format = formatters.get(displayTimezone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone: displayTimezone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
        hourCycle: 'h23',
      });
    } catch {
      format = new Intl.DateTimeFormat('en-GB', {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
        hourCycle: 'h23',
      });
    }
    formatters.set(displayTimezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, weekday };
}

/** dd/mm hh:mm (or dd/mm/yyyy hh:mm) in the display timezone. */
export function formatTime(iso: string | null | undefined, withYear = false): string {
  if (!iso) return '–';
  const p = timeParts(iso);
  if (!p) return iso;
  return `${p.day}/${p.month}${withYear ? `/${p.year}` : ''} ${p.hour}:${p.minute}`;
}

/** hh:mm in the display timezone. */
export function formatClock(iso: string): string {
  const p = timeParts(iso);
  return p ? `${p.hour}:${p.minute}` : iso;
}

export function formatDuration(ms: number, L: (vi: string, en: string) => string): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} ${L('phút', 'min')}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ${L('giờ', 'h')} ${minutes % 60} ${L('phút', 'min')}`;
  return `${Math.floor(hours / 24)} ${L('ngày', 'd')} ${hours % 24} ${L('giờ', 'h')}`;
}

const PAGE = 2_500;
const SPECULATIVE_PAGES = 4;
/** GET /watch/board: rows as arrays, `columns` naming their fields (half the JSON of /watch/monitors). */
type BoardPage = { columns: string[]; total: number; rows: unknown[][] };

function toRows(page: BoardPage): Row[] {
  const at = (name: string) => page.columns.indexOf(name);
  const [id, name, type, status, detail, responseMs, checkedAt, unit, defacement] = [
    'id',
    'name',
    'type',
    'status',
    'detail',
    'responseMs',
    'checkedAt',
    'unit',
    'defacement',
  ].map(at) as number[];
  return page.rows.map((r) => ({
    id: r[id!] as string,
    name: r[name!] as string,
    type: r[type!] as string,
    status: r[status!] as MonitorStatus,
    detail: (r[detail!] as string) ?? '',
    responseMs: (r[responseMs!] as number | null) ?? null,
    checkedAt: (r[checkedAt!] as string | null) ?? null,
    tags: unit! >= 0 && r[unit!] ? { unit: r[unit!] as string } : undefined,
    defacement: defacement! >= 0 ? ((r[defacement!] as string | null) ?? null) : null,
  }));
}

/**
 * Every monitor's board row. The first four pages are asked for at once, before the total is
 * known (a page past the end comes back empty and cheap): up to 10,000 monitors arrive in one
 * round trip of parallel requests; beyond that the rest follow in parallel too.
 */
export async function fetchBoardRows(): Promise<Row[]> {
  const page = (i: number) => apiGet<BoardPage>('/watch/board', { offset: i * PAGE, limit: PAGE });
  const first = await Promise.all(Array.from({ length: SPECULATIVE_PAGES }, (_, i) => page(i)));
  const total = first[0]!.total;
  const more = Math.max(0, Math.ceil(total / PAGE) - SPECULATIVE_PAGES);
  const rest = await Promise.all(Array.from({ length: more }, (_, i) => page(SPECULATIVE_PAGES + i)));
  return first.concat(rest).flatMap(toRows);
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

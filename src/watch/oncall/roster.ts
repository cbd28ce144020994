import { Cron } from 'croner';
import { VigilError } from '../../errors.js';
import type { FallbackConfig, HolidayConfig, MaintenanceConfig, RotationConfig, ShiftConfig } from '../config-schema.js';

/**
 * The on-call roster (lịch trực), pure arithmetic over the `onCall:` section:
 *
 * - **holiday periods**: each holiday `from`–`to` (dates inclusive, in `timezone`) is watched from
 *   the handover time (default 07:00) of its first day to the handover time of the day after its
 *   last day. Overlapping or touching holidays (30-4 and 1-5) merge into one period.
 * - **rotation**: shifts of `shiftHours`, the `primary` and `secondary` lists taken in turn. With
 *   `start`/`end` it covers that range as written; without them it covers every holiday period,
 *   and the turn continues from one holiday to the next (whoever closed Tết is not first again on 30-4).
 * - **overrides** (`shifts:`): an explicit shift replaces the rotation for its own time span — a
 *   swap, a sick colleague, an extra person on the night of the 1st. The latest-starting override
 *   wins where two overlap.
 * - **fallback**: outside every shift (ordinary working weeks) the normal duty officer; without it
 *   nobody in particular: alerts still reach each channel's own recipients.
 *
 * `whoIsOnDuty(roster, at)` answers for any moment; everything here is pure and unit-tested.
 */
export interface Shift {
  id: string;
  start: number;
  end: number;
  primary: string;
  secondary?: string | undefined;
  label?: string | undefined;
  /** 'rotation' = generated; 'override' = an explicit shift from `onCall.shifts`. */
  kind: 'rotation' | 'override';
  /** Name of the holiday period the shift starts in, if any. */
  holiday?: string | undefined;
}

export interface HolidayPeriod {
  /** Names of the merged holidays, joined with " + ". */
  name: string;
  /** Dates as configured (inclusive). */
  from: string;
  to: string;
  /** Watched from … to (epoch ms): handover on `from` to handover on the day after `to`. */
  start: number;
  end: number;
}

export interface Roster {
  timezone: string;
  handover: string;
  holidays: HolidayPeriod[];
  rotation: Shift[];
  overrides: Shift[];
  fallback?: FallbackConfig | undefined;
}

export interface OnDuty {
  primary?: string | undefined;
  secondary?: string | undefined;
  /** Where the answer came from. */
  source: 'override' | 'rotation' | 'fallback' | 'none';
  shift?: Shift | undefined;
  /** The holiday period covering the moment, if any. */
  holiday?: string | undefined;
}

export interface RosterConfig {
  timezone?: string | undefined;
  holidays?: HolidayConfig[] | undefined;
  shifts?: ShiftConfig[] | undefined;
  rotation?: RotationConfig | undefined;
  fallback?: FallbackConfig | undefined;
}

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const DEFAULT_HANDOVER = '07:00';
/** A runaway config (1-hour shifts for a century) must not eat the memory. */
const MAX_SHIFTS = 10_000;
const DAY_MS = 86_400_000;

export function buildRoster(config: RosterConfig): Roster {
  const timezone = config.timezone ?? DEFAULT_TIMEZONE;
  const handover = config.rotation?.handover ?? DEFAULT_HANDOVER;
  const holidays = holidayPeriods(config.holidays ?? [], timezone, handover);
  const overrides: Shift[] = (config.shifts ?? []).map((s, i) => ({
    id: `override-${Date.parse(s.start)}-${i}`,
    start: Date.parse(s.start),
    end: Date.parse(s.end),
    primary: s.primary,
    secondary: s.secondary,
    label: s.label,
    kind: 'override' as const,
    holiday: holidayAt(holidays, Date.parse(s.start))?.name,
  }));
  const rotation: Shift[] = [];
  const r = config.rotation;
  if (r) {
    const ranges =
      r.start !== undefined && r.end !== undefined
        ? [{ start: Date.parse(r.start), end: Date.parse(r.end) }]
        : holidays.map((h) => ({ start: h.start, end: h.end }));
    if (ranges.length === 0)
      throw new VigilError('watch.roster-no-period', 'onCall.rotation has no start/end and onCall.holidays is empty: the rotation covers nothing', {
        hint: 'add the holiday periods, e.g. holidays: [{ name: Tết Nguyên đán, from: 2027-02-05, to: 2027-02-14 }], or give the rotation start and end',
      });
    const step = r.shiftHours * 3_600_000;
    let turn = 0;
    for (const range of ranges) {
      for (let start = range.start; start < range.end && rotation.length < MAX_SHIFTS; start += step, turn++) {
        rotation.push({
          id: `shift-${start}`,
          start,
          end: Math.min(range.end, start + step),
          primary: r.primary[turn % r.primary.length]!,
          secondary: r.secondary.length ? r.secondary[turn % r.secondary.length] : undefined,
          kind: 'rotation',
          holiday: holidayAt(holidays, start)?.name,
        });
      }
    }
  }
  return {
    timezone,
    handover,
    holidays,
    rotation,
    overrides: overrides.sort((a, b) => a.start - b.start),
    ...(config.fallback ? { fallback: config.fallback } : {}),
  };
}

/** Who is on duty at `at`: an override, else the rotation, else the fallback, else nobody. */
export function whoIsOnDuty(roster: Roster, at: number): OnDuty {
  const holiday = holidayAt(roster.holidays, at)?.name;
  const base = holiday ? { holiday } : {};
  let override: Shift | undefined;
  for (const s of roster.overrides) if (s.start <= at && at < s.end && (!override || s.start >= override.start)) override = s;
  if (override) return { ...base, source: 'override', shift: override, primary: override.primary, secondary: override.secondary };
  const shift = roster.rotation.find((s) => s.start <= at && at < s.end);
  if (shift) return { ...base, source: 'rotation', shift, primary: shift.primary, secondary: shift.secondary };
  if (roster.fallback) return { ...base, source: 'fallback', primary: roster.fallback.primary, secondary: roster.fallback.secondary };
  return { ...base, source: 'none' };
}

/** Every shift (rotation and overrides) by start time: for the roster view and the watch-log report. */
export function rosterShifts(roster: Roster): Shift[] {
  return [...roster.rotation, ...roster.overrides].sort((a, b) => a.start - b.start || (a.kind === 'override' ? 1 : -1));
}

/** Names the roster uses that are not in `onCall.people` (they would receive nothing personally). */
export function unknownNames(roster: Roster, people: string[]): string[] {
  const known = new Set(people);
  const used = new Set<string>();
  for (const s of [...roster.rotation, ...roster.overrides]) {
    used.add(s.primary);
    if (s.secondary) used.add(s.secondary);
  }
  if (roster.fallback) {
    used.add(roster.fallback.primary);
    if (roster.fallback.secondary) used.add(roster.fallback.secondary);
  }
  return [...used].filter((name) => !known.has(name)).sort();
}

function holidayAt(holidays: HolidayPeriod[], at: number): HolidayPeriod | undefined {
  return holidays.find((h) => h.start <= at && at < h.end);
}

/** Holiday dates → watched periods, merged where they overlap or touch. */
export function holidayPeriods(holidays: HolidayConfig[], timezone: string, handover = DEFAULT_HANDOVER): HolidayPeriod[] {
  const [hour, minute] = handover.split(':').map(Number) as [number, number];
  const periods = holidays
    .map((h) => ({
      name: h.name,
      from: h.from,
      to: h.to,
      start: localTime(h.from, hour, minute, timezone),
      end: localTime(nextDay(h.to), hour, minute, timezone),
    }))
    .sort((a, b) => a.start - b.start);
  const merged: HolidayPeriod[] = [];
  for (const p of periods) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last.end) {
      last.end = Math.max(last.end, p.end);
      if (p.to > last.to) last.to = p.to;
      last.name = `${last.name} + ${p.name}`;
    } else merged.push({ ...p });
  }
  return merged;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant at which the wall clock in `timezone` shows `date hour:minute`. Hand-written with
 * Intl (two offset look-ups) because the rest of vigil needs no date library; exact for zones
 * without DST such as Asia/Ho_Chi_Minh, and correct outside the skipped hour elsewhere.
 */
export function localTime(date: string, hour: number, minute: number, timezone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  let guess = wall - zoneOffset(wall, timezone);
  guess = wall - zoneOffset(guess, timezone);
  return guess;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset (ms) of `timezone` from UTC at instant `at`. */
function zoneOffset(at: number, timezone: string): number {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** People to notify at an escalation step: "primary", "secondary", "everyone" or names. */
export function resolveTargets(notify: string[], onDuty: Pick<OnDuty, 'primary' | 'secondary'> | undefined, everyone: string[]): string[] {
  const names = new Set<string>();
  for (const target of notify) {
    if (target === 'primary') {
      if (onDuty?.primary) names.add(onDuty.primary);
    } else if (target === 'secondary') {
      if (onDuty?.secondary) names.add(onDuty.secondary);
    } else if (target === 'everyone') {
      for (const name of everyone) names.add(name);
    } else names.add(target);
  }
  return [...names];
}

/** The maintenance window covering `monitorId` at `at`, if any (one-off or cron-recurring). */
export function activeMaintenance(windows: MaintenanceConfig[], monitorId: string, at: number): MaintenanceConfig | undefined {
  return windows.find((w) => {
    if (w.monitors && !w.monitors.includes(monitorId)) return false;
    if ('cron' in w) {
      const cron = new Cron(w.cron, { timezone: w.timezone, paused: true });
      const previous = cron.previousRuns(1, new Date(at + 1))[0];
      return previous !== undefined && at < previous.getTime() + w.duration;
    }
    return Date.parse(w.start) <= at && at < Date.parse(w.end);
  });
}

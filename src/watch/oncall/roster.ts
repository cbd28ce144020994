import { Cron } from 'croner';
import type { MaintenanceConfig, RotationConfig, ShiftConfig } from '../config-schema.js';

/** Pure roster arithmetic: shifts from the config, who is on duty at a moment, maintenance windows. */
export interface Shift {
  id: string;
  start: number;
  end: number;
  primary: string;
  secondary?: string | undefined;
  label?: string | undefined;
}

export function shiftsFromConfig(shifts: ShiftConfig[], rotation: RotationConfig | undefined): Shift[] {
  const out: Shift[] = shifts.map((s) => ({
    id: `shift-${Date.parse(s.start)}`,
    start: Date.parse(s.start),
    end: Date.parse(s.end),
    primary: s.primary,
    secondary: s.secondary,
    label: s.label,
  }));
  if (rotation) {
    const step = rotation.shiftHours * 3_600_000;
    const end = Date.parse(rotation.end);
    let i = 0;
    for (let start = Date.parse(rotation.start); start < end && i < 10_000; start += step, i++) {
      const secondary = rotation.secondary.length ? rotation.secondary[i % rotation.secondary.length] : undefined;
      out.push({ id: `shift-${start}`, start, end: Math.min(end, start + step), primary: rotation.primary[i % rotation.primary.length]!, secondary });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The shift covering `at` (explicit shifts win over rotation shifts starting at the same time). */
export function shiftAt(shifts: Shift[], at: number): Shift | undefined {
  return shifts.find((s) => s.start <= at && at < s.end);
}

/** People to notify at an escalation step: "primary", "secondary", "everyone" or names. */
export function resolveTargets(notify: string[], shift: Shift | undefined, everyone: string[]): string[] {
  const names = new Set<string>();
  for (const target of notify) {
    if (target === 'primary') {
      if (shift?.primary) names.add(shift.primary);
    } else if (target === 'secondary') {
      if (shift?.secondary) names.add(shift.secondary);
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

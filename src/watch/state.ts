import type { MonitorStatus, Verdict } from './types.js';

/**
 * Retries and recovery (pure). `status` is what the last check measured; `reported` is what the
 * board and the alerts show: it turns down only after `retries` further failures and back up only
 * after `recovery` successes, so one lost packet does not page anyone at 3 a.m.
 */
export type ReportedStatus = MonitorStatus | 'pending';

export interface MonitorState {
  status: MonitorStatus | 'pending';
  reported: ReportedStatus;
  failures: number;
  successes: number;
  detail: string;
  responseMs: number | null;
  checkedAt: number | null;
  changedAt: number | null;
  memory: Record<string, unknown> | undefined;
}

export function initialState(): MonitorState {
  return {
    status: 'pending',
    reported: 'pending',
    failures: 0,
    successes: 0,
    detail: '',
    responseMs: null,
    checkedAt: null,
    changedAt: null,
    memory: undefined,
  };
}

export interface Transition {
  from: ReportedStatus;
  to: MonitorStatus;
}

export function applyVerdict(
  state: MonitorState,
  verdict: Verdict,
  rules: { retries: number; recovery: number },
  now: number,
): { state: MonitorState; transition: Transition | null } {
  const next: MonitorState = {
    ...state,
    status: verdict.status,
    detail: verdict.detail,
    responseMs: verdict.responseMs ?? null,
    checkedAt: now,
    memory: verdict.memory ?? state.memory,
  };
  let target: ReportedStatus = state.reported;
  if (verdict.status === 'up') {
    next.successes = state.successes + 1;
    next.failures = 0;
    if (state.reported === 'pending' || next.successes >= rules.recovery) target = 'up';
  } else {
    next.failures = state.failures + 1;
    next.successes = 0;
    if (next.failures > rules.retries) target = verdict.status;
    else if (state.reported === 'pending') target = 'pending';
  }
  next.reported = target;
  if (target !== state.reported && target !== 'pending') {
    next.changedAt = now;
    return { state: next, transition: { from: state.reported, to: target } };
  }
  return { state: next, transition: null };
}

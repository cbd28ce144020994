import { describe, expect, it } from 'vitest';
import { applyVerdict, initialState, type MonitorState } from './state.js';
import type { MonitorStatus } from './types.js';

function run(statuses: MonitorStatus[], rules = { retries: 2, recovery: 2 }) {
  let state: MonitorState = initialState();
  const transitions: string[] = [];
  statuses.forEach((status, i) => {
    const out = applyVerdict(state, { status, detail: status }, rules, i);
    state = out.state;
    if (out.transition) transitions.push(`${out.transition.from}->${out.transition.to}@${i}`);
  });
  return { state, transitions };
}

describe('retries and recovery', () => {
  it('goes down only after the retries are used up', () => {
    const { transitions } = run(['up', 'down', 'down', 'down', 'down']);
    expect(transitions).toEqual(['pending->up@0', 'up->down@3']);
  });
  it('one failure between successes raises nothing', () => {
    expect(run(['up', 'down', 'up', 'down', 'up']).transitions).toEqual(['pending->up@0']);
  });
  it('recovers only after the recovery threshold', () => {
    const { transitions } = run(['up', 'down', 'down', 'down', 'up', 'down', 'up', 'up']);
    expect(transitions).toEqual(['pending->up@0', 'up->down@3', 'down->up@7']);
  });
  it('degraded and down are distinct reported states', () => {
    const { transitions } = run(['up', 'degraded', 'degraded', 'degraded', 'down', 'down', 'down'], { retries: 2, recovery: 1 });
    expect(transitions).toEqual(['pending->up@0', 'up->degraded@3', 'degraded->down@4']);
  });
  it('with no retries a first failure reports at once', () => {
    expect(run(['down'], { retries: 0, recovery: 1 }).transitions).toEqual(['pending->down@0']);
  });
});

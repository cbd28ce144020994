import { describe, expect, it } from 'vitest';
import { VigilError } from '../../errors.js';
import { onCallWatchFields } from '../config-schema.js';
import { z } from 'zod';
import { buildRoster, holidayPeriods, localTime, resolveTargets, rosterShifts, unknownNames, whoIsOnDuty } from './roster.js';

/** Vietnam's 2027 public holidays as an agency would configure them (dates inclusive, local). */
const HOLIDAYS = [
  { name: 'Tết Nguyên đán', from: '2027-02-05', to: '2027-02-09' },
  { name: 'Giải phóng miền Nam', from: '2027-04-30', to: '2027-04-30' },
  { name: 'Quốc tế Lao động', from: '2027-05-01', to: '2027-05-02' },
  { name: 'Quốc khánh', from: '2027-09-01', to: '2027-09-02' },
];
const ROTATION = { shiftHours: 12 as const, primary: ['An', 'Bình', 'Cường'], secondary: ['Dũng', 'Em'] };
const FALLBACK = { primary: 'Trực ban thường ngày', secondary: 'Lãnh đạo phòng' };
const at = (local: string) => Date.parse(local);

describe('holiday calendar', () => {
  it('a holiday is watched from the handover time of its first day to that of the day after its last, in Vietnam time', () => {
    const [tet] = holidayPeriods(HOLIDAYS.slice(0, 1), 'Asia/Ho_Chi_Minh');
    expect(new Date(tet!.start).toISOString()).toBe('2027-02-05T00:00:00.000Z'); // 07:00 +07:00
    expect(new Date(tet!.end).toISOString()).toBe('2027-02-10T00:00:00.000Z');
    const utc = holidayPeriods(HOLIDAYS.slice(0, 1), 'UTC', '07:30');
    expect(new Date(utc[0]!.start).toISOString()).toBe('2027-02-05T07:30:00.000Z');
  });

  it('30-4 and 1-5 touch, so they merge into one period', () => {
    const periods = holidayPeriods(HOLIDAYS, 'Asia/Ho_Chi_Minh');
    expect(periods.map((p) => [p.name, p.from, p.to])).toEqual([
      ['Tết Nguyên đán', '2027-02-05', '2027-02-09'],
      ['Giải phóng miền Nam + Quốc tế Lao động', '2027-04-30', '2027-05-02'],
      ['Quốc khánh', '2027-09-01', '2027-09-02'],
    ]);
    expect(periods[1]!.end).toBe(at('2027-05-03T07:00:00+07:00'));
  });

  it('local wall time converts with the zone offset (also for a zone with daylight saving)', () => {
    expect(localTime('2027-02-05', 7, 0, 'Asia/Ho_Chi_Minh')).toBe(at('2027-02-05T07:00:00+07:00'));
    expect(localTime('2027-07-01', 9, 0, 'Europe/Paris')).toBe(at('2027-07-01T09:00:00+02:00'));
    expect(localTime('2027-01-01', 9, 0, 'Europe/Paris')).toBe(at('2027-01-01T09:00:00+01:00'));
  });
});

describe('rotation over the holiday calendar', () => {
  const roster = buildRoster({ holidays: HOLIDAYS, rotation: { ...ROTATION, secondary: ROTATION.secondary }, fallback: FALLBACK });

  it('generates 12-hour shifts only inside the holiday periods, the turn continuing from one holiday to the next', () => {
    // Tết 5 days = 10 shifts, 30-4 + 1-5 3 days = 6, 2-9 2 days = 4
    expect(roster.rotation).toHaveLength(20);
    expect(new Set(roster.rotation.map((s) => s.id)).size).toBe(20);
    expect(roster.rotation.filter((s) => s.holiday === 'Tết Nguyên đán')).toHaveLength(10);
    const may = roster.rotation.find((s) => s.start === at('2027-04-30T07:00:00+07:00'))!;
    expect(may).toMatchObject({ primary: 'Bình', secondary: 'Dũng', holiday: 'Giải phóng miền Nam + Quốc tế Lao động', kind: 'rotation' }); // turn 10
    for (const s of roster.rotation) expect(s.end - s.start).toBe(12 * 3_600_000);
  });

  it('shift boundaries: the last millisecond belongs to the outgoing shift, the handover instant to the next', () => {
    expect(whoIsOnDuty(roster, at('2027-02-05T06:59:59.999+07:00'))).toMatchObject({ source: 'fallback', primary: 'Trực ban thường ngày' });
    expect(whoIsOnDuty(roster, at('2027-02-05T07:00:00+07:00'))).toMatchObject({
      source: 'rotation',
      primary: 'An',
      secondary: 'Dũng',
      holiday: 'Tết Nguyên đán',
    });
    expect(whoIsOnDuty(roster, at('2027-02-05T18:59:59.999+07:00')).primary).toBe('An');
    expect(whoIsOnDuty(roster, at('2027-02-05T19:00:00+07:00'))).toMatchObject({ primary: 'Bình', secondary: 'Em' });
    expect(whoIsOnDuty(roster, at('2027-02-10T06:59:59.999+07:00'))).toMatchObject({ source: 'rotation', primary: 'An', secondary: 'Em' }); // turn 9
    const after = whoIsOnDuty(roster, at('2027-02-10T07:00:00+07:00'));
    expect(after).toMatchObject({ source: 'fallback', primary: 'Trực ban thường ngày', secondary: 'Lãnh đạo phòng' });
    expect(after.holiday).toBeUndefined();
  });

  it('timezone: holiday dates are Vietnam dates, whatever the instant is written in', () => {
    expect(whoIsOnDuty(roster, at('2027-02-04T23:59:59Z')).source).toBe('fallback'); // 06:59 on the 5th in Hà Nội
    expect(whoIsOnDuty(roster, at('2027-02-05T00:00:00Z')).source).toBe('rotation'); // 07:00 in Hà Nội
    const inUtc = buildRoster({ timezone: 'UTC', holidays: HOLIDAYS, rotation: ROTATION, fallback: FALLBACK });
    expect(whoIsOnDuty(inUtc, at('2027-02-05T00:00:00Z')).source).toBe('fallback');
    expect(whoIsOnDuty(inUtc, at('2027-02-05T07:00:00Z')).source).toBe('rotation');
  });

  it('a day inside a holiday vs an ordinary day: rotation vs fallback, or nobody without a fallback', () => {
    expect(whoIsOnDuty(roster, at('2027-09-02T10:00:00+07:00'))).toMatchObject({ source: 'rotation', holiday: 'Quốc khánh' });
    expect(whoIsOnDuty(roster, at('2027-03-15T10:00:00+07:00'))).toMatchObject({ source: 'fallback', primary: 'Trực ban thường ngày' });
    const noFallback = buildRoster({ holidays: HOLIDAYS, rotation: ROTATION });
    const ordinary = whoIsOnDuty(noFallback, at('2027-03-15T10:00:00+07:00'));
    expect(ordinary).toEqual({ source: 'none' });
    expect(resolveTargets(['primary', 'secondary'], ordinary, ['An'])).toEqual([]);
  });

  it('overrides: a swapped night replaces the rotation for its span only; the latest-starting override wins', () => {
    const swapped = buildRoster({
      holidays: HOLIDAYS,
      rotation: ROTATION,
      shifts: [
        { start: '2027-02-06T19:00:00+07:00', end: '2027-02-07T07:00:00+07:00', primary: 'Giang', secondary: 'An', label: 'đổi ca / swap' },
        { start: '2027-02-06T23:00:00+07:00', end: '2027-02-07T01:00:00+07:00', primary: 'Hà' },
      ],
    });
    expect(whoIsOnDuty(swapped, at('2027-02-06T18:59:00+07:00'))).toMatchObject({ source: 'rotation' });
    expect(whoIsOnDuty(swapped, at('2027-02-06T19:00:00+07:00'))).toMatchObject({
      source: 'override',
      primary: 'Giang',
      secondary: 'An',
      holiday: 'Tết Nguyên đán',
    });
    expect(whoIsOnDuty(swapped, at('2027-02-06T23:30:00+07:00'))).toMatchObject({ source: 'override', primary: 'Hà' });
    expect(whoIsOnDuty(swapped, at('2027-02-07T01:00:00+07:00')).primary).toBe('Giang');
    expect(whoIsOnDuty(swapped, at('2027-02-07T07:00:00+07:00'))).toMatchObject({ source: 'rotation', primary: 'Bình' }); // turn 4
    expect(
      rosterShifts(swapped)
        .filter((s) => s.kind === 'override')
        .map((s) => s.primary),
    ).toEqual(['Giang', 'Hà']);
    expect(unknownNames(swapped, ['An', 'Bình', 'Cường', 'Dũng', 'Em'])).toEqual(['Giang', 'Hà']);
  });

  it('a rotation with start and end covers that range as written (drills, the demo); holidays only label it', () => {
    const drill = buildRoster({
      holidays: HOLIDAYS,
      rotation: { ...ROTATION, start: '2027-02-08T07:00:00+07:00', end: '2027-02-12T07:00:00+07:00', shiftHours: 24 },
    });
    expect(drill.rotation.map((s) => s.holiday ?? '-')).toEqual(['Tết Nguyên đán', 'Tết Nguyên đán', '-', '-']);
    expect(whoIsOnDuty(drill, at('2027-02-11T12:00:00+07:00'))).toMatchObject({ source: 'rotation', primary: 'An' }); // turn 3
  });

  it('a rotation with neither start/end nor holidays is a configuration error', () => {
    expect(() => buildRoster({ rotation: ROTATION })).toThrow(VigilError);
    try {
      buildRoster({ rotation: ROTATION });
    } catch (error) {
      expect((error as VigilError).id).toBe('watch.roster-no-period');
    }
  });
});

describe('onCall schema', () => {
  const onCall = z.strictObject(onCallWatchFields);
  it('accepts the holiday form and rejects half a range, reversed dates, bad zones and bad handover times', () => {
    expect(onCall.safeParse({ holidays: HOLIDAYS, rotation: ROTATION, fallback: FALLBACK, timezone: 'Asia/Ho_Chi_Minh' }).success).toBe(true);
    expect(onCall.safeParse({ rotation: { ...ROTATION, start: '2027-02-05T07:00:00+07:00' } }).success).toBe(false);
    expect(onCall.safeParse({ holidays: [{ name: 'x', from: '2027-02-09', to: '2027-02-05' }] }).success).toBe(false);
    expect(onCall.safeParse({ timezone: 'Asia/Hanoi_Nowhere' }).success).toBe(false);
    expect(onCall.safeParse({ holidays: HOLIDAYS, rotation: { ...ROTATION, handover: '7h' } }).success).toBe(false);
    expect(onCall.safeParse({ holidays: HOLIDAYS, rotation: { ...ROTATION, handover: '07:30' } }).success).toBe(true);
  });
});

import { useEffect, useMemo, useState } from 'react';
import { apiGet } from '../../api';
import { Card } from '../../components/Card';
import { Link } from '../../router';
import { formatClock, formatDuration, formatTime, type Holiday, type Roster, type Shift, setDisplayTimezone, timeParts, useL } from './data';

/** The roster, fetched once per view and refreshed every minute (a shift may hand over meanwhile). */
export function useRoster(): { roster: Roster | null; error: string | null } {
  const [roster, setRoster] = useState<Roster | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      apiGet<Roster>('/watch/roster').then(
        (r) => {
          setDisplayTimezone(r.timezone);
          setRoster(r);
          setError(null);
        },
        (e: Error) => setError(e.message),
      );
    void load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, []);
  return { roster, error };
}

/**
 * Who is on duty now (the server's `onDuty`: an override, the rotation, or the fallback person
 * outside every shift) and the next shift to take over.
 */
export function dutyNow(
  roster: Roster | null,
  now = Date.now(),
): { current: Shift | null; primary: string | null; secondary: string | null; source: string; next: Shift | null } {
  if (!roster) return { current: null, primary: null, secondary: null, source: 'none', next: null };
  const shifts = roster.shifts ?? [];
  const current =
    (roster.onDuty?.shiftId ? shifts.find((s) => s.id === roster.onDuty!.shiftId) : undefined) ??
    shifts.find((s) => s.current) ??
    (roster.onDuty ? undefined : shifts.find((s) => Date.parse(s.start) <= now && now < Date.parse(s.end))) ??
    null;
  const after = current ? Date.parse(current.end) - 1 : now;
  const next = shifts.find((s) => Date.parse(s.start) > after && s.id !== current?.id) ?? null;
  return {
    current,
    primary: roster.onDuty ? roster.onDuty.primary : (current?.primary ?? null),
    secondary: roster.onDuty ? roster.onDuty.secondary : (current?.secondary ?? null),
    source: roster.onDuty?.source ?? (current ? 'rotation' : 'none'),
    next,
  };
}

/** The tile on the board: who is on duty, until when. */
export function DutyStrip() {
  const L = useL();
  const { roster } = useRoster();
  const { current, primary, secondary, next } = dutyNow(roster);
  const handover = current?.end ?? next?.start;
  return (
    <Link to="/watch/roster" className="watch-tile watch-duty" data-testid="watch-duty">
      <span className="watch-tile-label">{L('Đang trực', 'On duty')}</span>
      {primary ? (
        <>
          <strong>{primary}</strong>
          {secondary ? (
            <span className="muted">
              {L('trực phụ', 'secondary')}: {secondary}
            </span>
          ) : null}
          {handover ? (
            <span className="muted">
              {L('bàn giao', 'handover')} {formatTime(handover)}
            </span>
          ) : null}
        </>
      ) : (
        <span className="muted">{roster ? (next ? `${L('ca tới', 'next shift')} ${formatTime(next.start)}` : L('Chưa có lịch trực', 'No roster')) : '…'}</span>
      )}
    </Link>
  );
}

function dayKey(iso: string): string {
  const p = timeParts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : iso.slice(0, 10);
}

const WEEKDAYS_VI = ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function holidayOf(day: string, holidays: Holiday[]): Holiday | undefined {
  return holidays.find((h) => h.from <= day && day <= h.to);
}

/** /watch/roster — on duty now, next handover, the shifts day by day over the holiday calendar. */
export function RosterView() {
  const L = useL();
  const { roster, error } = useRoster();
  const [showPast, setShowPast] = useState(false);
  // A season of 6-hour shifts is hundreds of rows: two weeks at a time.
  const [dayLimit, setDayLimit] = useState(14);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const { current, primary, secondary, source, next } = dutyNow(roster, now);
  const holidays = roster?.holidays ?? [];
  const days = useMemo(() => {
    const byDay = new Map<string, Shift[]>();
    for (const shift of roster?.shifts ?? []) {
      if (!showPast && Date.parse(shift.end) < now) continue;
      const key = dayKey(shift.start);
      byDay.set(key, [...(byDay.get(key) ?? []), shift]);
    }
    return [...byDay.entries()];
  }, [roster, showPast, now]);
  const people = new Map((roster?.people ?? []).map((p) => [p.name, p]));
  const contact = (name?: string) => {
    const p = name ? people.get(name) : undefined;
    return p ? [p.phone, p.email].filter(Boolean).join(' · ') : '';
  };
  const pastCount = (roster?.shifts ?? []).filter((s) => Date.parse(s.end) < now).length;

  return (
    <>
      {error ? <p className="error">{error}</p> : null}
      <div className="watch-duty-grid" data-testid="watch-roster-now">
        <Card title={L('Đang trực', 'On duty now')}>
          {primary ? (
            <dl className="watch-dl">
              <dt>{L('Trực chính', 'Primary')}</dt>
              <dd>
                <strong data-testid="watch-primary">{primary}</strong> <span className="muted">{contact(primary)}</span>
              </dd>
              <dt>{L('Trực phụ', 'Secondary')}</dt>
              <dd data-testid="watch-secondary">
                {secondary ?? '–'} <span className="muted">{contact(secondary ?? undefined)}</span>
              </dd>
              <dt>{L('Ca', 'Shift')}</dt>
              <dd>
                {current ? (
                  <>
                    {current.label ? `${current.label} · ` : ''}
                    {formatTime(current.start)} – {formatTime(current.end)}
                    {current.kind === 'override' ? <span className="badge badge-warn watch-now">{L('đổi ca', 'override')}</span> : null}
                  </>
                ) : source === 'fallback' ? (
                  L('Ngoài lịch trực: người trực dự phòng (onCall.fallback)', 'Outside the roster: the fallback (onCall.fallback)')
                ) : (
                  '–'
                )}
              </dd>
              {roster?.onDuty?.holiday ? (
                <>
                  <dt>{L('Dịp', 'Holiday')}</dt>
                  <dd>{roster.onDuty.holiday}</dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="muted">{roster ? L('Không có ai trực vào lúc này.', 'Nobody is on duty right now.') : L('Đang tải…', 'Loading…')}</p>
          )}
          {roster?.unknownNames?.length ? (
            <p className="error">
              {L(
                'Tên trong lịch trực chưa có trong onCall.people (không nhận được tin nhắn riêng)',
                'Names in the roster missing from onCall.people (no personal message)',
              )}
              : {roster.unknownNames.join(', ')}
            </p>
          ) : null}
        </Card>
        <Card title={L('Bàn giao ca tiếp theo', 'Next handover')}>
          {current || next ? (
            <dl className="watch-dl">
              <dt>{L('Lúc', 'At')}</dt>
              <dd>
                <strong data-testid="watch-handover">{formatTime(current ? current.end : next!.start, true)}</strong>{' '}
                <span className="muted">
                  ({L('còn', 'in')} {formatDuration(Date.parse(current ? current.end : next!.start) - now, L)})
                </span>
              </dd>
              {roster?.handover ? (
                <>
                  <dt>{L('Hằng ngày', 'Daily')}</dt>
                  <dd>
                    {roster.handover} <span className="muted">({roster.timezone})</span>
                  </dd>
                </>
              ) : null}
              <dt>{L('Ca sau', 'Next shift')}</dt>
              <dd>
                {next ? (
                  <>
                    {next.primary}
                    {next.secondary ? <span className="muted"> · {next.secondary}</span> : null}
                  </>
                ) : (
                  L('Hết lịch trực', 'End of the roster')
                )}
              </dd>
            </dl>
          ) : (
            <p className="muted">–</p>
          )}
        </Card>
        <Card title={L('Lịch nghỉ lễ', 'Holidays')}>
          {holidays.length ? (
            <ul className="watch-plain">
              {holidays.map((h) => (
                <li key={`${h.name}-${h.from}`}>
                  <strong>{h.name}</strong> {h.current ? <span className="badge badge-ok">{L('đang diễn ra', 'now')}</span> : null}{' '}
                  <span className="muted">
                    {h.from.split('-').reverse().join('/')} – {h.to.split('-').reverse().join('/')}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{L('Chưa khai báo ngày lễ (onCall.holidays).', 'No holidays declared (onCall.holidays).')}</p>
          )}
        </Card>
      </div>
      <Card
        title={L('Lịch trực theo ngày', 'Shifts by day')}
        actions={
          pastCount ? (
            <label className="watch-check">
              <input type="checkbox" checked={showPast} onChange={(e) => setShowPast(e.target.checked)} /> {L('Hiện ca đã qua', 'Show past shifts')} (
              {pastCount})
            </label>
          ) : null
        }
      >
        {days.length === 0 ? (
          <p className="muted">
            {L(
              'Chưa có ca trực. Khai báo onCall.rotation hoặc onCall.shifts trong vigil.yaml.',
              'No shifts. Declare onCall.rotation or onCall.shifts in vigil.yaml.',
            )}
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table watch-roster" data-testid="watch-roster">
              <thead>
                <tr>
                  <th>{L('Ngày', 'Day')}</th>
                  <th>{L('Giờ', 'Time')}</th>
                  <th>{L('Trực chính', 'Primary')}</th>
                  <th>{L('Trực phụ', 'Secondary')}</th>
                  <th className="hide-phone">{L('Ghi chú', 'Label')}</th>
                </tr>
              </thead>
              <tbody>
                {days.slice(0, dayLimit).map(([day, shifts]) => {
                  const holidayName = shifts.find((s) => s.holiday)?.holiday ?? holidayOf(day, holidays)?.name;
                  const weekday = timeParts(shifts[0]!.start)?.weekday ?? 0;
                  return shifts.map((shift, i) => {
                    const isCurrent = shift.id === current?.id;
                    const past = Date.parse(shift.end) < now;
                    return (
                      <tr key={shift.id} className={`${isCurrent ? 'watch-current' : ''} ${past ? 'watch-past' : ''} ${holidayName ? 'watch-holiday' : ''}`}>
                        {i === 0 ? (
                          <td rowSpan={shifts.length} className="watch-day">
                            <strong>
                              {L(WEEKDAYS_VI[weekday]!, WEEKDAYS_EN[weekday]!)} {day.slice(8)}/{day.slice(5, 7)}
                            </strong>
                            {holidayName ? <div className="watch-holiday-name">{holidayName}</div> : null}
                          </td>
                        ) : null}
                        <td>
                          {formatClock(shift.start)} – {formatClock(shift.end)}
                          {isCurrent ? <span className="badge badge-ok watch-now">{L('đang trực', 'on duty')}</span> : null}
                        </td>
                        <td>{shift.primary}</td>
                        <td>{shift.secondary ?? '–'}</td>
                        <td className="hide-phone muted">
                          {shift.kind === 'override' ? <span className="badge badge-warn">{L('đổi ca', 'override')}</span> : null} {shift.label ?? ''}
                        </td>
                      </tr>
                    );
                  });
                })}
              </tbody>
            </table>
            {days.length > dayLimit ? (
              <button type="button" className="button small watch-more" onClick={() => setDayLimit((n) => n + 14)}>
                {L('Hiện thêm 14 ngày', 'Show 14 more days')} ({days.length - dayLimit})
              </button>
            ) : null}
          </div>
        )}
      </Card>
    </>
  );
}

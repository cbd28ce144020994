import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, apiGet, apiPost, apiUrl } from '../../api';
import { Card } from '../../components/Card';
import { formatTime, type LogEntry, type Shift, useL } from './data';
import { useRoster } from './Roster';

const KIND_LABEL: Record<string, [string, string, string]> = {
  alert: ['Cảnh báo', 'Alert', 'fail'],
  resolved: ['Khôi phục', 'Resolved', 'ok'],
  ack: ['Xác nhận', 'Acknowledged', 'info'],
  escalation: ['Leo thang', 'Escalation', 'warn'],
  silenced: ['Bảo trì (không gửi)', 'Silenced', 'unknown'],
  note: ['Ghi chú', 'Note', 'info'],
  handover: ['Bàn giao ca', 'Handover', 'running'],
  event: ['Sự kiện', 'Event', 'unknown'],
};

const RANGES: { days: number; vi: string; en: string }[] = [
  { days: 1, vi: '24 giờ', en: '24 h' },
  { days: 7, vi: '7 ngày', en: '7 days' },
  { days: 30, vi: '30 ngày', en: '30 days' },
];

/** /watch/log — nhật ký trực: entries grouped by shift, a note or handover from the page, PDF/XLSX export. */
export function WatchLogView() {
  const L = useL();
  const { roster } = useRoster();
  const [days, setDays] = useState(7);
  const [kind, setKind] = useState('');
  const [items, setItems] = useState<LogEntry[] | null>(null);
  const [form, setForm] = useState<{ kind: 'note' | 'handover'; text: string; busy: boolean; error?: string }>({ kind: 'note', text: '', busy: false });
  const from = useMemo(() => new Date(Date.now() - days * 86_400_000).toISOString(), [days]);

  const load = useCallback(
    () =>
      apiGet<{ items: LogEntry[] }>('/watch/log', { from }).then(
        (r) => setItems(r.items),
        () => setItems([]),
      ),
    [from],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(load, 15_000);
    return () => clearInterval(timer);
  }, [load]);

  const shifts = useMemo(() => new Map((roster?.shifts ?? []).map((s) => [s.id, s])), [roster]);
  const groups = useMemo(() => {
    const out: { key: string; shift: Shift | undefined; entries: LogEntry[] }[] = [];
    const filtered = (items ?? []).filter((e) => !kind || e.kind === kind);
    for (const entry of [...filtered].reverse()) {
      const key = entry.shift_id ?? 'none';
      const last = out[out.length - 1];
      if (last && last.key === key) last.entries.push(entry);
      else out.push({ key, shift: entry.shift_id ? shifts.get(entry.shift_id) : undefined, entries: [entry] });
    }
    return out;
  }, [items, kind, shifts]);

  const submit = async () => {
    if (!form.text.trim()) return;
    setForm((f) => ({ ...f, busy: true, error: undefined }));
    try {
      await apiPost('/watch/log', { kind: form.kind, text: form.text.trim() });
      setForm({ kind: 'note', text: '', busy: false });
      await load();
    } catch (error) {
      setForm((f) => ({ ...f, busy: false, error: error instanceof ApiError ? error.message : (error as Error).message }));
    }
  };

  const exportQuery = { from, to: new Date(Date.now() + 60_000).toISOString() };
  return (
    <>
      <Card title={L('Ghi nhật ký', 'Write to the log')}>
        <form
          className="watch-note-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <select
            className="watch-input"
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as 'note' | 'handover' })}
            aria-label={L('Loại ghi chép', 'Entry kind')}
          >
            <option value="note">{L('Ghi chú', 'Note')}</option>
            <option value="handover">{L('Bàn giao ca', 'Shift handover')}</option>
          </select>
          <textarea
            className="watch-input"
            rows={2}
            maxLength={4_000}
            value={form.text}
            onChange={(e) => setForm({ ...form, text: e.target.value })}
            placeholder={
              form.kind === 'handover'
                ? L('Tình hình bàn giao: sự cố còn mở, việc cần theo dõi…', 'Handover: open incidents, things to keep an eye on…')
                : L('Ghi chú trong ca trực…', 'A note during the shift…')
            }
            aria-label={L('Nội dung', 'Text')}
            data-testid="watch-note-text"
          />
          <button type="submit" className="button primary" disabled={form.busy || !form.text.trim()} data-testid="watch-note-submit">
            {form.busy ? L('Đang ghi…', 'Saving…') : L('Ghi vào nhật ký', 'Add to the log')}
          </button>
        </form>
        {form.error ? <p className="error">{form.error}</p> : null}
      </Card>
      <Card
        title={L('Nhật ký trực', 'Watch log')}
        actions={
          <span className="watch-actions">
            <a className="button small" href={apiUrl('/watch/log', { ...exportQuery, format: 'pdf' })} download data-testid="watch-log-pdf">
              {L('Xuất PDF', 'Export PDF')}
            </a>
            <a className="button small" href={apiUrl('/watch/log', { ...exportQuery, format: 'xlsx' })} download data-testid="watch-log-xlsx">
              {L('Xuất XLSX', 'Export XLSX')}
            </a>
          </span>
        }
      >
        <div className="watch-toolbar">
          <div className="watch-segmented">
            {RANGES.map((r) => (
              <button key={r.days} type="button" className={days === r.days ? 'active' : ''} onClick={() => setDays(r.days)} aria-pressed={days === r.days}>
                {L(r.vi, r.en)}
              </button>
            ))}
          </div>
          <select className="watch-input" value={kind} onChange={(e) => setKind(e.target.value)} aria-label={L('Loại', 'Kind')}>
            <option value="">{L('Mọi loại', 'Every kind')}</option>
            {Object.entries(KIND_LABEL).map(([key, [vi, en]]) => (
              <option key={key} value={key}>
                {L(vi, en)}
              </option>
            ))}
          </select>
          <span className="muted watch-total">
            {items ? `${items.length} ${L('mục', 'entries')}` : L('Đang tải…', 'Loading…')}
            {items && items.length >= 5_000 ? ` (${L('hiện 5.000 mục đầu; thu hẹp khoảng thời gian', 'first 5,000 shown; narrow the period')})` : ''}
          </span>
        </div>
        {items && groups.length === 0 ? <p className="muted">{L('Chưa có mục nào trong khoảng này.', 'No entries in this period.')}</p> : null}
        <div className="watch-log" data-testid="watch-log">
          {groups.slice(0, 100).map((group) => (
            <section key={group.entries[0]!.id} className="watch-log-shift">
              <h3>
                {group.shift ? (
                  <>
                    {group.shift.label ?? L('Ca trực', 'Shift')} {formatTime(group.shift.start)} – {formatTime(group.shift.end)}
                    <span className="muted">
                      {' '}
                      · {group.shift.primary}
                      {group.shift.secondary ? `, ${group.shift.secondary}` : ''}
                    </span>
                  </>
                ) : (
                  L('Ngoài ca trực', 'Outside any shift')
                )}
              </h3>
              <ol>
                {group.entries.map((entry) => {
                  const [vi, en, tone] = KIND_LABEL[entry.kind] ?? [entry.kind, entry.kind, 'unknown'];
                  return (
                    <li key={entry.id} className={`watch-log-entry kind-${entry.kind}`}>
                      <time className="muted" dateTime={entry.at}>
                        {formatTime(entry.at)}
                      </time>
                      <span className={`badge badge-${tone}`}>{L(vi, en)}</span>
                      <span className="watch-log-actor">{entry.actor}</span>
                      <span className="watch-log-text">{entry.text}</span>
                    </li>
                  );
                })}
              </ol>
            </section>
          ))}
        </div>
      </Card>
    </>
  );
}

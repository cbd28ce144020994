import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet, apiPost, apiUrl, subscribe } from '../../api';
import { useAuth } from '../../auth';
import { Card, PageHeader, Stat } from '../../components/Card';
import { Chart } from '../../components/Chart';
import type { PageProps } from '../types';

/**
 * /watch — the live status board (server-sent events, no reload) over a virtualised list that
 * stays fast with 10,000 monitors; per-monitor history (uptime %, response-time chart), the
 * defacement diff with before/after screenshots, alerts with acknowledgement, roster and the
 * watch log with its Vietnamese PDF/XLSX export.
 */
interface Row {
  id: string;
  name: string;
  type: string;
  status: 'up' | 'down' | 'degraded' | 'pending';
  detail: string;
  responseMs: number | null;
  checkedAt: string | null;
}

const ROW_HEIGHT = 32;
const STATUS_LABEL: Record<string, [string, string]> = {
  up: ['Hoạt động', 'Up'],
  degraded: ['Suy giảm', 'Degraded'],
  down: ['Ngừng', 'Down'],
  pending: ['Chờ', 'Pending'],
};

function useL() {
  const { i18n } = useTranslation();
  return useCallback((vi: string, en: string) => (i18n.language === 'en' ? en : vi), [i18n.language]);
}

export default function WatchPage({ subpath }: PageProps) {
  const L = useL();
  const match = /^\/monitors\/([^/]+)$/.exec(subpath);
  const [selected, setSelected] = useState<string | null>(match ? decodeURIComponent(match[1]!) : null);
  return (
    <div className="watch-page">
      <PageHeader
        title={L('Giám sát trực', 'Holiday watch')}
        subtitle={L('Trạng thái trực tiếp, cảnh báo, lịch trực và nhật ký trực', 'Live status, alerts, roster and watch log')}
      />
      <Board onSelect={setSelected} />
      {selected ? <MonitorDetail id={selected} onClose={() => setSelected(null)} /> : null}
      <Alerts />
      <WatchLogCard />
    </div>
  );
}

function Board({ onSelect }: { onSelect: (id: string) => void }) {
  const L = useL();
  const [rows, setRows] = useState<Row[]>([]);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [filter, setFilter] = useState<{ status: string; q: string }>({ status: '', q: '' });
  const index = useRef(new Map<string, number>());

  useEffect(() => {
    let cancelled = false;
    (async () => {
      // First page, then the rest in parallel: 10,000 monitors arrive in a few round trips.
      const PAGE = 2_500;
      const first = await apiGet<{ total: number; items: Row[] }>('/watch/monitors', { offset: 0, limit: PAGE });
      const rest = await Promise.all(
        Array.from({ length: Math.max(0, Math.ceil(first.total / PAGE) - 1) }, (_, i) =>
          apiGet<{ total: number; items: Row[] }>('/watch/monitors', { offset: (i + 1) * PAGE, limit: PAGE }),
        ),
      );
      const all = [...first.items, ...rest.flatMap((page) => page.items)];
      if (cancelled) return;
      index.current = new Map(all.map((r, i) => [r.id, i]));
      setRows(all);
    })().catch(() => undefined);
    const close = subscribe('/watch/stream', {
      board: (data) => setCounts((data as { counts: Record<string, number> }).counts),
      monitor: (data) => {
        const row = data as Row;
        setRows((current) => {
          const i = index.current.get(row.id);
          if (i === undefined) return current;
          const next = current.slice();
          next[i] = { ...next[i]!, ...row };
          return next;
        });
      },
    });
    return () => {
      cancelled = true;
      close();
    };
  }, []);

  const visible = useMemo(() => {
    const q = filter.q.toLowerCase();
    return rows.filter((r) => (!filter.status || r.status === filter.status) && (!q || r.name.toLowerCase().includes(q)));
  }, [rows, filter]);

  return (
    <Card title={L('Bảng trạng thái', 'Status board')}>
      <div className="stat-row" data-testid="watch-counts">
        <Stat label={L('Hoạt động', 'Up')} value={counts.up ?? 0} tone="ok" />
        <Stat label={L('Suy giảm', 'Degraded')} value={counts.degraded ?? 0} tone="warn" />
        <Stat label={L('Ngừng', 'Down')} value={counts.down ?? 0} tone="fail" />
        <Stat label={L('Chờ', 'Pending')} value={counts.pending ?? 0} tone="info" />
      </div>
      <div className="button-row" style={{ margin: '8px 0' }}>
        <input
          placeholder={L('Tìm theo tên…', 'Search by name…')}
          value={filter.q}
          onChange={(e) => setFilter({ ...filter, q: e.target.value })}
          aria-label={L('Tìm', 'Search')}
        />
        <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })} aria-label={L('Trạng thái', 'Status')}>
          <option value="">{L('Tất cả', 'All')}</option>
          {Object.entries(STATUS_LABEL).map(([key, [vi, en]]) => (
            <option key={key} value={key}>
              {L(vi, en)}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="watch-total">
          {visible.length} / {rows.length}
        </span>
      </div>
      <VirtualList rows={visible} onSelect={onSelect} />
    </Card>
  );
}

/** Renders only the rows in view (plus a margin): 10,000 monitors cost ~30 DOM rows. */
function VirtualList({ rows, onSelect }: { rows: Row[]; onSelect: (id: string) => void }) {
  const L = useL();
  const [scrollTop, setScrollTop] = useState(0);
  const height = 480;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 10);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + 10);
  return (
    <div style={{ height, overflowY: 'auto', position: 'relative' }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="watch-list">
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        {rows.slice(first, last).map((row, i) => {
          const [vi, en] = STATUS_LABEL[row.status] ?? [row.status, row.status];
          return (
            <div
              key={row.id}
              className={`watch-row status-${row.status}`}
              onClick={() => onSelect(row.id)}
              style={{
                position: 'absolute',
                top: (first + i) * ROW_HEIGHT,
                height: ROW_HEIGHT,
                left: 0,
                right: 0,
                display: 'flex',
                gap: 12,
                alignItems: 'center',
                cursor: 'pointer',
              }}
            >
              <span
                className={`badge tone-${row.status === 'up' ? 'ok' : row.status === 'down' ? 'fail' : row.status === 'degraded' ? 'warn' : 'info'}`}
                style={{ minWidth: 80 }}
              >
                {L(vi, en)}
              </span>
              <strong style={{ minWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{row.name}</strong>
              <span className="muted">{row.type}</span>
              <span className="muted" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                {row.detail}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

interface History {
  uptime: { uptimePct: number | null; avgMs: number | null; total: number };
  results: { at: string; status: string; response_ms: number | null }[];
}
interface Defacement {
  baseline: { createdAt: string; screenshot: string | null } | null;
  latest: {
    openedAt: string;
    finding: { level: string; reasons: string[]; added: string[]; removed: string[]; evidence?: { screenshot?: string; baselineScreenshot?: string } } | null;
  } | null;
}

function MonitorDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const L = useL();
  const { can } = useAuth();
  const [history, setHistory] = useState<History | null>(null);
  const [deface, setDeface] = useState<Defacement | null>(null);
  useEffect(() => {
    apiGet<History>(`/watch/monitors/${encodeURIComponent(id)}/history`, { hours: 24 }).then(setHistory, () => undefined);
    apiGet<Defacement>(`/watch/monitors/${encodeURIComponent(id)}/defacement`).then(setDeface, () => undefined);
  }, [id]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      grid: { left: 48, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category' as const, data: (history?.results ?? []).map((r) => r.at.slice(11, 16)) },
      yAxis: { type: 'value' as const, name: 'ms' },
      series: [{ type: 'line' as const, data: (history?.results ?? []).map((r) => r.response_ms), showSymbol: false }],
    }),
    [history],
  );
  const finding = deface?.latest?.finding;
  const evidence = (path?: string | null) => (path ? apiUrl(`/watch/evidence/${path.split('/').map(encodeURIComponent).join('/')}`) : undefined);
  return (
    <Card
      title={`${L('Chi tiết', 'Detail')}: ${id}`}
      actions={
        <button type="button" onClick={onClose}>
          {L('Đóng', 'Close')}
        </button>
      }
    >
      <p data-testid="watch-uptime">
        {L('Thời gian hoạt động 24 giờ', 'Uptime 24 h')}: {history?.uptime.uptimePct ?? '–'}% · {L('trung bình', 'average')} {history?.uptime.avgMs ?? '–'} ms
      </p>
      {history?.results.length ? <Chart option={option} height={200} ariaLabel={L('Thời gian phản hồi', 'Response time')} /> : null}
      {finding ? (
        <div className="watch-diff">
          <h3>
            {L('Thay đổi giao diện', 'Defacement')}: {finding.level}
          </h3>
          <ul>
            {finding.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <div style={{ display: 'flex', gap: 12 }}>
            <figure>
              <figcaption>{L('Trước (mẫu gốc)', 'Before (baseline)')}</figcaption>
              {evidence(finding.evidence?.baselineScreenshot) ? <img alt="baseline" width={480} src={evidence(finding.evidence?.baselineScreenshot)} /> : null}
              <pre className="diff-removed">{finding.removed.join('\n')}</pre>
            </figure>
            <figure>
              <figcaption>{L('Sau (khi cảnh báo)', 'After (at alert)')}</figcaption>
              {evidence(finding.evidence?.screenshot) ? <img alt="after" width={480} src={evidence(finding.evidence?.screenshot)} /> : null}
              <pre className="diff-added">{finding.added.join('\n')}</pre>
            </figure>
          </div>
          {can('analyst') ? (
            <button type="button" onClick={() => apiPost(`/watch/monitors/${encodeURIComponent(id)}/baseline`).then(() => setDeface(null))}>
              {L('Chấp nhận làm mẫu gốc mới', 'Accept as new baseline')}
            </button>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

interface Alert {
  id: string;
  monitor_id: string;
  kind: string;
  summary: string;
  opened_at: string;
  acked_at: string | null;
  acked_by: string | null;
  resolved_at: string | null;
}

function Alerts() {
  const L = useL();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const load = useCallback(
    () =>
      apiGet<{ items: Alert[] }>('/watch/alerts', { limit: 50 }).then(
        (r) => setAlerts(r.items),
        () => undefined,
      ),
    [],
  );
  useEffect(() => {
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [load]);
  return (
    <Card title={L('Cảnh báo', 'Alerts')}>
      <table className="table" data-testid="watch-alerts">
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id}>
              <td>{a.opened_at.slice(0, 16).replace('T', ' ')}</td>
              <td>{a.monitor_id}</td>
              <td>{a.kind}</td>
              <td>{a.summary}</td>
              <td>
                {a.resolved_at ? (
                  L('Đã khôi phục', 'Resolved')
                ) : a.acked_at ? (
                  `${L('Đã xác nhận', 'Acknowledged')}: ${a.acked_by}`
                ) : (
                  <button type="button" onClick={() => apiPost(`/watch/alerts/${encodeURIComponent(a.id)}/ack`).then(load)}>
                    {L('Xác nhận', 'Acknowledge')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function WatchLogCard() {
  const L = useL();
  const [items, setItems] = useState<{ id: number; at: string; kind: string; actor: string; text: string }[]>([]);
  const [text, setText] = useState('');
  const load = useCallback(
    () =>
      apiGet<{ items: typeof items }>('/watch/log').then(
        (r) => setItems(r.items),
        () => undefined,
      ),
    [],
  );
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Card
      title={L('Nhật ký trực', 'Watch log')}
      actions={
        <span className="button-row">
          <a className="button" href={apiUrl('/watch/log', { format: 'pdf' })} download>
            PDF
          </a>
          <a className="button" href={apiUrl('/watch/log', { format: 'xlsx' })} download>
            XLSX
          </a>
        </span>
      }
    >
      <form
        className="button-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim())
            apiPost('/watch/log', { kind: 'note', text }).then(() => {
              setText('');
              load();
            });
        }}
      >
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={L('Ghi chú / bàn giao ca…', 'Note / handover…')}
          aria-label={L('Ghi chú', 'Note')}
        />
        <button type="submit">{L('Ghi', 'Add')}</button>
      </form>
      <ul className="watch-log">
        {items
          .slice(-200)
          .reverse()
          .map((e) => (
            <li key={e.id}>
              <span className="muted">{e.at.slice(0, 16).replace('T', ' ')}</span> [{e.kind}] {e.actor}: {e.text}
            </li>
          ))}
      </ul>
    </Card>
  );
}

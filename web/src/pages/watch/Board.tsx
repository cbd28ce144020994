import { useEffect, useMemo, useRef, useState } from 'react';
import { apiGet, subscribe } from '../../api';
import { Card } from '../../components/Card';
import { Link, navigate } from '../../router';
import {
  boardCache,
  fetchBoardRows,
  formatTime,
  LEVEL_LABEL,
  type MonitorStatus,
  type Row,
  STATUS_LABEL,
  STATUS_RANK,
  statusTone,
  takePrefetchedRows,
  useL,
} from './data';
import { DutyStrip } from './Roster';

/**
 * The live status board: counts, on-duty strip, and every monitor in a virtualised list (10,000
 * monitors cost ~40 DOM rows). Changes arrive over server-sent events and are applied in batches
 * of 100 ms, so a burst (every monitor changing at once after an outage) is one render, not 10,000.
 */
export function Board() {
  const L = useL();
  const [rows, setRows] = useState<Row[] | null>(boardCache.rows);
  const [live, setLive] = useState(false);
  const [filter, setFilter] = useState<{ status: string; type: string; q: string; order: 'name' | 'problems' }>({
    status: '',
    type: '',
    q: '',
    order: 'name',
  });
  const index = useRef(new Map<string, number>());

  useEffect(() => {
    let cancelled = false;
    let loaded = false;
    const pending = new Map<string, Row>();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const apply = () => {
      timer = undefined;
      if (!loaded || pending.size === 0) return;
      const updates = [...pending.values()];
      pending.clear();
      setRows((current) => {
        if (!current) return current;
        const next = current.slice();
        for (const row of updates) {
          const i = index.current.get(row.id);
          if (i === undefined) {
            index.current.set(row.id, next.length);
            next.push(row);
          } else if (!next[i]!.checkedAt || !row.checkedAt || row.checkedAt >= next[i]!.checkedAt!) next[i] = { ...next[i]!, ...row };
        }
        boardCache.rows = next;
        return next;
      });
    };

    const install = (all: Row[]) => {
      if (cancelled) return;
      index.current = new Map(all.map((r, i) => [r.id, i]));
      boardCache.rows = all;
      loaded = true;
      setRows(all);
      apply();
    };

    let streamBroke = false;
    const prefetched = takePrefetchedRows();
    (prefetched ?? fetchBoardRows()).then(install).catch(() => setRows((r) => r ?? []));

    const close = subscribe(
      '/watch/stream',
      {
        board: () => {
          setLive(true);
          // Back after a broken stream: changes made meanwhile were not pushed, so reload the rows.
          if (streamBroke) {
            streamBroke = false;
            fetchBoardRows().then(install, () => undefined);
          }
        },
        monitor: (data) => {
          const row = data as Row;
          pending.set(row.id, row);
          timer ??= setTimeout(apply, 100);
        },
      },
      () => {
        streamBroke = true;
        setLive(false);
      },
    );
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      close();
    };
  }, []);

  const all = rows ?? [];
  const counts = useMemo(() => {
    const c: Record<MonitorStatus, number> = { up: 0, degraded: 0, down: 0, pending: 0 };
    for (const r of all) c[r.status] = (c[r.status] ?? 0) + 1;
    return c;
  }, [all]);
  const types = useMemo(() => [...new Set(all.map((r) => r.type))].sort(), [all]);
  const visible = useMemo(() => {
    const q = filter.q.trim().toLowerCase();
    const out = all.filter(
      (r) =>
        (!filter.status || r.status === filter.status) &&
        (!filter.type || r.type === filter.type) &&
        (!q || r.name.toLowerCase().includes(q) || r.id.includes(q) || (r.tags?.unit ?? '').toLowerCase().includes(q)),
    );
    if (filter.order === 'problems') out.sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name, 'vi'));
    return out;
  }, [all, filter]);

  const tile = (status: MonitorStatus) => (
    <button
      type="button"
      className={`watch-tile tone-${statusTone(status)} ${filter.status === status ? 'active' : ''}`}
      onClick={() => setFilter((f) => ({ ...f, status: f.status === status ? '' : status }))}
      aria-pressed={filter.status === status}
    >
      <span className="watch-tile-value">{counts[status].toLocaleString('vi-VN')}</span>
      <span className="watch-tile-label">{L(...STATUS_LABEL[status])}</span>
    </button>
  );

  return (
    <>
      <div className="watch-tiles" data-testid="watch-counts">
        {tile('down')}
        {tile('degraded')}
        {tile('pending')}
        {tile('up')}
        <DutyStrip />
      </div>
      <Card
        title={L('Bảng trạng thái', 'Status board')}
        actions={
          <span className={`watch-live ${live ? 'on' : ''}`} title={L('Cập nhật trực tiếp qua SSE', 'Live updates over SSE')}>
            {live ? L('Trực tiếp', 'Live') : L('Mất kết nối', 'Offline')}
          </span>
        }
      >
        <div className="watch-toolbar">
          <input
            className="watch-input watch-search"
            type="search"
            placeholder={L('Tìm theo tên, mã, đơn vị…', 'Search name, id, unit…')}
            value={filter.q}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })}
            aria-label={L('Tìm', 'Search')}
          />
          <select
            className="watch-input"
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.target.value })}
            aria-label={L('Trạng thái', 'Status')}
          >
            <option value="">{L('Mọi trạng thái', 'Any status')}</option>
            {(Object.keys(STATUS_LABEL) as MonitorStatus[]).map((key) => (
              <option key={key} value={key}>
                {L(...STATUS_LABEL[key])}
              </option>
            ))}
          </select>
          <select className="watch-input" value={filter.type} onChange={(e) => setFilter({ ...filter, type: e.target.value })} aria-label={L('Loại', 'Type')}>
            <option value="">{L('Mọi loại', 'Any type')}</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t.toUpperCase()}
              </option>
            ))}
          </select>
          <select
            className="watch-input"
            value={filter.order}
            onChange={(e) => setFilter({ ...filter, order: e.target.value as 'name' | 'problems' })}
            aria-label={L('Sắp xếp', 'Order')}
          >
            <option value="name">{L('Theo thứ tự cấu hình', 'Configured order')}</option>
            <option value="problems">{L('Sự cố lên đầu', 'Problems first')}</option>
          </select>
          <span className="muted watch-total" data-testid="watch-total">
            {rows ? `${visible.length} / ${all.length}` : L('Đang tải…', 'Loading…')}
          </span>
        </div>
        <VirtualList rows={visible} />
      </Card>
      <PausedMonitors />
    </>
  );
}

/** Paused monitors are not checked, so not on the live list: listed here to be found and resumed. */
function PausedMonitors() {
  const L = useL();
  const [items, setItems] = useState<{ id: string; name: string; type: string }[]>([]);
  useEffect(() => {
    apiGet<{ items: { id: string; name: string; type: string }[] }>('/watch/paused').then(
      (r) => setItems(r.items),
      () => undefined,
    );
  }, []);
  if (!items.length) return null;
  return (
    <Card title={`${L('Tạm dừng theo dõi', 'Paused monitors')} (${items.length})`}>
      <ul className="watch-paused" data-testid="watch-paused">
        {items.slice(0, 200).map((m) => (
          <li key={m.id}>
            <Link to={`/watch/monitors/${encodeURIComponent(m.id)}`}>{m.name}</Link> <span className="muted">{m.type.toUpperCase()}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

const ROW_HEIGHT = 40;
const OVERSCAN = 8;

/** Renders only the rows in view plus a margin: the list's cost does not grow with the number of monitors. */
function VirtualList({ rows }: { rows: Row[] }) {
  const L = useL();
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 560 });
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setView((v) => ({ ...v, height: element.clientHeight || v.height })));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const open = (id: string) => navigate(`/watch/monitors/${encodeURIComponent(id)}`);
  return (
    <div
      ref={box}
      className="watch-list"
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        setView((v) => ({ ...v, top }));
      }}
      data-testid="watch-list"
    >
      {rows.length === 0 ? <p className="muted watch-empty">{L('Không có mục theo dõi nào khớp.', 'No monitor matches.')}</p> : null}
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        {rows.slice(first, last).map((row, i) => (
          <button
            type="button"
            key={row.id}
            className={`watch-row status-${row.status}`}
            style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}
            onClick={() => open(row.id)}
          >
            <span className={`badge badge-${statusTone(row.status)} watch-row-status`}>{L(...(STATUS_LABEL[row.status] ?? [row.status, row.status]))}</span>
            <span className="watch-row-name" title={row.name}>
              {row.name}
              {row.enabled === false ? <span className="muted"> · {L('tạm dừng', 'paused')}</span> : null}
              {row.defacement && LEVEL_LABEL[row.defacement] ? (
                <span className={`badge badge-${LEVEL_LABEL[row.defacement]![2]} watch-row-deface`} data-testid="watch-row-defacement">
                  {L(LEVEL_LABEL[row.defacement]![0], LEVEL_LABEL[row.defacement]![1])}
                </span>
              ) : null}
            </span>
            <span className="watch-row-type">{row.type.toUpperCase()}</span>
            <span className="watch-row-detail muted" title={row.detail}>
              {row.detail}
            </span>
            <span className="watch-row-ms num">{row.responseMs === null ? '–' : `${row.responseMs} ms`}</span>
            <span className="watch-row-time muted">{formatTime(row.checkedAt)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, apiDelete, apiGet, apiPatch, apiPost, apiUrl, subscribe } from '../../api';
import { useAuth } from '../../auth';
import { Card } from '../../components/Card';
import { Chart } from '../../components/Chart';
import { Link, navigate } from '../../router';
import { type Alert, boardCache, formatTime, LEVEL_LABEL, type MonitorInfo, type Row, STATUS_LABEL, statusTone, useL } from './data';
import { type MonitorSpec, MonitorForm } from './MonitorForm';

interface Uptime {
  uptimePct: number | null;
  avgMs: number | null;
  total: number;
}
interface History {
  uptime: Uptime;
  results: { at: string; status: string; response_ms: number | null; detail?: string }[];
  hourly?: { start: string; total: number; up: number; down: number; sum_ms: number; max_ms: number }[];
}
interface Finding {
  level: string | null;
  changeRatio?: number;
  newScriptHosts?: string[];
  newResourceHosts?: string[];
  artefacts?: { id: string; label: string; match: string }[];
  titleBefore?: string;
  titleAfter?: string;
  reasons: string[];
  added: string[];
  removed: string[];
  evidence?: { html?: string; screenshot?: string; baselineScreenshot?: string };
}
interface Defacement {
  baseline: { createdAt: string; screenshot: string | null; facts?: { title?: string; stableBlocks?: string[] } } | null;
  latest: { alertId: string; openedAt: string; resolvedAt: string | null; finding: Finding | null } | null;
}

const RANGES = [
  { hours: 24, vi: '24 giờ', en: '24 h' },
  { hours: 24 * 7, vi: '7 ngày', en: '7 days' },
  { hours: 24 * 30, vi: '30 ngày', en: '30 days' },
];

/** The monitor's configuration and state (GET /watch/monitors/:id) and its board row (response time, tags). */
async function loadMonitor(id: string): Promise<{ row: Row | null; info: MonitorInfo | null }> {
  const [info, list] = await Promise.all([
    apiGet<MonitorInfo>(`/watch/monitors/${encodeURIComponent(id)}`).catch(() => null),
    apiGet<{ items: Row[] }>('/watch/monitors', { q: id, limit: 200 }).catch(() => ({ items: [] as Row[] })),
  ]);
  const listed = list.items.find((r) => r.id === id) ?? null;
  const row: Row | null = info
    ? {
        id: info.id,
        name: info.name,
        type: info.type,
        source: info.source,
        enabled: info.enabled,
        tags: (info.config.tags as Row['tags']) ?? listed?.tags,
        status: info.status,
        detail: info.detail,
        responseMs: listed?.responseMs ?? null,
        checkedAt: info.checkedAt,
        defacement: info.defacement ?? listed?.defacement ?? null,
      }
    : listed;
  return { row, info };
}

export function evidenceUrl(path?: string | null): string | undefined {
  return path ? apiUrl(`/watch/evidence/${path.split(/[\\/]/).map(encodeURIComponent).join('/')}`) : undefined;
}

/** /watch/monitors/:id — status, uptime 24 h / 7 d / 30 d, response-time chart, defacement diff, alerts, edit. */
export function MonitorDetail({ id }: { id: string }) {
  const L = useL();
  const { can } = useAuth();
  const [monitor, setMonitor] = useState<{ row: Row | null; info: MonitorInfo | null } | null>(null);
  const [uptimes, setUptimes] = useState<(Uptime | null)[]>([null, null, null]);
  const [range, setRange] = useState(0);
  const [history, setHistory] = useState<History | null>(null);
  const [deface, setDeface] = useState<Defacement | null>(null);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const reload = useCallback(() => {
    void loadMonitor(id).then(setMonitor);
    void apiGet<Defacement>(`/watch/monitors/${encodeURIComponent(id)}/defacement`).then(setDeface, () => setDeface(null));
    void apiGet<{ items: Alert[] }>('/watch/alerts', { limit: 1_000 }).then(
      (r) => setAlerts(r.items.filter((a) => a.monitor_id === id).slice(0, 20)),
      () => undefined,
    );
    RANGES.forEach((r, i) => {
      void apiGet<History>(`/watch/monitors/${encodeURIComponent(id)}/history`, { hours: r.hours }).then(
        (h) => {
          setUptimes((u) => u.map((v, j) => (j === i ? h.uptime : v)));
          if (i === 0) setHistory((current) => current ?? h);
        },
        () => undefined,
      );
    });
  }, [id]);
  useEffect(() => reload(), [reload]);
  useEffect(() => {
    void apiGet<History>(`/watch/monitors/${encodeURIComponent(id)}/history`, { hours: RANGES[range]!.hours }).then(setHistory, () => undefined);
  }, [id, range]);
  // The detail follows the live board too.
  useEffect(
    () =>
      subscribe('/watch/stream', {
        monitor: (data) => {
          const row = data as Row;
          if (row.id === id) setMonitor((m) => (m ? { ...m, row: { ...(m.row ?? row), ...row } } : m));
        },
      }),
    [id],
  );

  const row = monitor?.row;
  const info = monitor?.info ?? null;
  const spec: MonitorSpec | undefined = info ? { ...info.config, enabled: info.enabled } : undefined;
  const paused = info?.enabled === false;
  const editable = Boolean(info?.editable);

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage({ ok: true, text: done });
      boardCache.rows = null;
      reload();
    } catch (error) {
      setMessage({
        ok: false,
        text: error instanceof ApiError ? `${error.message}${error.hint ? ` — ${error.hint}` : ''}` : (error as Error).message,
      });
    }
  };

  if (monitor && !row)
    return (
      <Card title={L('Không tìm thấy', 'Not found')}>
        <p>
          {L('Không có mục theo dõi', 'No monitor')} <code>{id}</code>. <Link to="/watch">{L('← Về bảng trạng thái', '← Back to the board')}</Link>
        </p>
      </Card>
    );

  return (
    <div className="watch-detail" data-testid="watch-detail">
      <Card
        title={
          <span className="watch-detail-title">
            {row ? <span className={`badge badge-${statusTone(row.status)}`}>{L(...(STATUS_LABEL[row.status] ?? [row.status, row.status]))}</span> : null}
            <span data-testid="watch-detail-name">{row?.name ?? id}</span>
            {paused ? <span className="badge badge-unknown">{L('Tạm dừng', 'Paused')}</span> : null}
            {row?.defacement && LEVEL_LABEL[row.defacement] ? (
              <span className={`badge badge-${LEVEL_LABEL[row.defacement]![2]}`} data-testid="watch-detail-defacement">
                {L(LEVEL_LABEL[row.defacement]![0], LEVEL_LABEL[row.defacement]![1])}
              </span>
            ) : null}
          </span>
        }
        actions={
          <span className="watch-actions">
            <Link to="/watch" className="button small">
              {L('← Bảng trạng thái', '← Board')}
            </Link>
            {can('analyst') && editable ? (
              <>
                <button type="button" className="button small" onClick={() => setEditing((e) => !e)} data-testid="watch-edit">
                  {editing ? L('Đóng sửa', 'Close editor') : L('Sửa', 'Edit')}
                </button>
                <button
                  type="button"
                  className="button small"
                  data-testid="watch-pause"
                  onClick={() =>
                    void act(
                      () => apiPatch(`/watch/monitors/${encodeURIComponent(id)}`, { enabled: paused }),
                      paused ? L('Đã tiếp tục theo dõi.', 'Resumed.') : L('Đã tạm dừng.', 'Paused.'),
                    )
                  }
                >
                  {paused ? L('Tiếp tục', 'Resume') : L('Tạm dừng', 'Pause')}
                </button>
                {editable ? (
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => {
                      if (window.confirm(L(`Xoá mục theo dõi “${row?.name ?? id}”?`, `Remove the monitor “${row?.name ?? id}”?`)))
                        void apiDelete(`/watch/monitors/${encodeURIComponent(id)}`).then(
                          () => {
                            boardCache.rows = null;
                            navigate('/watch');
                          },
                          (e: Error) => setMessage({ ok: false, text: e.message }),
                        );
                    }}
                  >
                    {L('Xoá', 'Remove')}
                  </button>
                ) : null}
              </>
            ) : null}
          </span>
        }
      >
        {message ? <p className={message.ok ? 'notice' : 'error'}>{message.text}</p> : null}
        {row ? (
          <dl className="watch-dl watch-facts">
            <dt>{L('Mã', 'Id')}</dt>
            <dd>
              <code>{row.id}</code> · {row.type.toUpperCase()} ·{' '}
              {row.source === 'config' ? L('từ vigil.yaml', 'from vigil.yaml') : L('thêm qua API/giao diện', 'added through the API/dashboard')}
            </dd>
            <dt>{L('Kết quả gần nhất', 'Last result')}</dt>
            <dd data-testid="watch-detail-status">
              {row.detail || '–'} {typeof row.responseMs === 'number' ? `· ${row.responseMs} ms` : ''} · {formatTime(row.checkedAt)}
            </dd>
            {row.tags && Object.keys(row.tags).length ? (
              <>
                <dt>{L('Nhãn', 'Tags')}</dt>
                <dd>
                  {[row.tags.unit, row.tags.system, row.tags.securityLevel !== undefined ? `${L('cấp độ', 'level')} ${row.tags.securityLevel}` : '']
                    .filter(Boolean)
                    .join(' · ')}
                </dd>
              </>
            ) : null}
          </dl>
        ) : (
          <p className="muted">{L('Đang tải…', 'Loading…')}</p>
        )}
        {info && !info.editable && can('analyst') ? (
          <p className="muted watch-hint">
            {L(
              'Mục này khai báo trong vigil.yaml: sửa, tạm dừng hoặc xoá trong tệp cấu hình.',
              'This monitor is declared in vigil.yaml: edit, pause or remove it in the file.',
            )}
          </p>
        ) : null}
        {info?.heartbeatPath ? (
          <p>
            {L('Địa chỉ gọi báo hiệu (GET hoặc POST, không cần đăng nhập: giữ bí mật)', 'Heartbeat URL (GET or POST, no sign-in: keep it secret)')}:{' '}
            <code>{info.heartbeatPath}</code>
            {info.heartbeatPath.endsWith('/***') ? L(' — chỉ quản trị viên xem được mã', ' — only admins see the token') : null}
          </p>
        ) : null}
        {editing && spec ? (
          <MonitorForm
            editId={id}
            initial={spec}
            onSaved={() => {
              setEditing(false);
              setMessage({ ok: true, text: L('Đã lưu thay đổi.', 'Changes saved.') });
              boardCache.rows = null;
              reload();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : null}
      </Card>

      <div className="watch-uptime-grid" data-testid="watch-uptime">
        {RANGES.map((r, i) => {
          const u = uptimes[i];
          const pct = u?.uptimePct;
          const tone = pct === null || pct === undefined ? 'info' : pct >= 99.9 ? 'ok' : pct >= 99 ? 'warn' : 'fail';
          return (
            <div key={r.hours} className={`watch-tile tone-${tone}`}>
              <span className="watch-tile-value">{pct === null || pct === undefined ? '–' : `${Number(pct.toFixed(pct >= 99.9 ? 3 : 2))}%`}</span>
              <span className="watch-tile-label">
                {L('Hoạt động', 'Uptime')} {L(r.vi, r.en)}
              </span>
              <span className="muted">
                {u?.avgMs !== null && u?.avgMs !== undefined ? `${L('TB', 'avg')} ${Math.round(u.avgMs)} ms · ` : ''}
                {u ? `${u.total.toLocaleString('vi-VN')} ${L('lần kiểm tra', 'checks')}` : ''}
              </span>
            </div>
          );
        })}
      </div>

      <Card
        title={L('Thời gian phản hồi', 'Response time')}
        actions={
          <div className="watch-segmented">
            {RANGES.map((r, i) => (
              <button key={r.hours} type="button" className={range === i ? 'active' : ''} onClick={() => setRange(i)} aria-pressed={range === i}>
                {L(r.vi, r.en)}
              </button>
            ))}
          </div>
        }
      >
        <ResponseChart history={history} />
      </Card>

      <DefacementView deface={deface} monitorId={id} onAccepted={reload} canAccept={can('analyst')} />

      <Card title={L('Cảnh báo của mục này', 'Alerts of this monitor')}>
        {alerts.length === 0 ? (
          <p className="muted">{L('Chưa có cảnh báo.', 'No alerts yet.')}</p>
        ) : (
          <ul className="watch-plain">
            {alerts.map((a) => (
              <li key={a.id}>
                <span className={`badge badge-${a.resolved_at ? 'ok' : a.acked_at ? 'info' : 'fail'}`}>
                  {a.resolved_at ? L('Đã khôi phục', 'Resolved') : a.acked_at ? L('Đã xác nhận', 'Acknowledged') : L('Đang mở', 'Open')}
                </span>{' '}
                <span className="muted">{formatTime(a.opened_at)}</span> {a.kind} — {a.summary}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/** Response times over the period (raw results, or hourly averages where raw rows are gone); failed checks as red marks. */
function ResponseChart({ history }: { history: History | null }) {
  const L = useL();
  const option = useMemo(() => {
    const raw = history?.results ?? [];
    // At most ~1,500 points: a chart is read, not counted.
    const step = Math.max(1, Math.ceil(raw.length / 1_500));
    const sampled = raw.filter((_, i) => i % step === 0 || raw[i]!.status === 'down');
    const hourly = raw.length ? [] : (history?.hourly ?? []);
    const line = raw.length
      ? sampled.filter((r) => r.response_ms !== null).map((r) => [r.at, r.response_ms])
      : hourly.map((h) => [`${h.start}:00:00Z`, h.total ? Math.round(h.sum_ms / h.total) : null]);
    const down = raw.length
      ? sampled.filter((r) => r.status === 'down').map((r) => [r.at, 0])
      : hourly.filter((h) => h.down > 0).map((h) => [`${h.start}:00:00Z`, 0]);
    return {
      tooltip: { trigger: 'axis' as const },
      legend: { bottom: 0, data: [L('Phản hồi (ms)', 'Response (ms)'), L('Lỗi', 'Failed')] },
      grid: { left: 56, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'time' as const },
      yAxis: { type: 'value' as const, name: 'ms' },
      series: [
        { name: L('Phản hồi (ms)', 'Response (ms)'), type: 'line' as const, data: line, showSymbol: false, areaStyle: { opacity: 0.08 } },
        { name: L('Lỗi', 'Failed'), type: 'scatter' as const, data: down, symbolSize: 7, itemStyle: { color: '#b42318' } },
      ],
    };
  }, [history, L]);
  if (!history) return <p className="muted">{L('Đang tải…', 'Loading…')}</p>;
  if (!history.results.length && !history.hourly?.length)
    return <p className="muted">{L('Chưa có kết quả trong khoảng này.', 'No results in this period.')}</p>;
  return <Chart option={option} height={260} ariaLabel={L('Biểu đồ thời gian phản hồi', 'Response time chart')} />;
}

/** Stable keys for text blocks that may repeat: the text and its occurrence number. */
function keyed(blocks: string[]): [string, string][] {
  const seen = new Map<string, number>();
  return blocks.map((block) => {
    const n = (seen.get(block) ?? 0) + 1;
    seen.set(block, n);
    return [`${n}:${block}`, block];
  });
}

/** Before/after: the baseline's text with removed blocks struck, the page at alert time with added blocks marked, both screenshots. */
function DefacementView({
  deface,
  monitorId,
  onAccepted,
  canAccept,
}: {
  deface: Defacement | null;
  monitorId: string;
  onAccepted: () => void;
  canAccept: boolean;
}) {
  const L = useL();
  const [busy, setBusy] = useState(false);
  if (!deface || (!deface.baseline && !deface.latest)) return null;
  const finding = deface.latest?.finding ?? null;
  const removed = new Set(finding?.removed ?? []);
  const stable = deface.baseline?.facts?.stableBlocks ?? [];
  const before = stable.length ? stable : (finding?.removed ?? []);
  const kept = stable.filter((b) => !removed.has(b));
  const [levelVi, levelEn, tone] = finding?.level ? (LEVEL_LABEL[finding.level] ?? [finding.level, finding.level, 'warn']) : ['', '', 'info'];
  const beforeShot = evidenceUrl(finding?.evidence?.baselineScreenshot ?? deface.baseline?.screenshot);
  const afterShot = evidenceUrl(finding?.evidence?.screenshot);
  return (
    <Card
      title={L('Phát hiện thay đổi giao diện', 'Defacement watch')}
      actions={
        canAccept && finding ? (
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => {
              if (!window.confirm(L('Chấp nhận trang hiện tại làm mẫu gốc mới?', 'Accept the page as it is now as the new baseline?'))) return;
              setBusy(true);
              void apiPost(`/watch/monitors/${encodeURIComponent(monitorId)}/baseline`).finally(() => {
                setBusy(false);
                onAccepted();
              });
            }}
          >
            {L('Chấp nhận làm mẫu gốc mới', 'Accept as new baseline')}
          </button>
        ) : null
      }
    >
      {finding ? (
        <div className="watch-finding" data-testid="watch-defacement">
          <p>
            <span className={`badge badge-${tone}`}>{L(levelVi, levelEn)}</span>{' '}
            <span className="muted">
              {formatTime(deface.latest!.openedAt, true)}
              {deface.latest!.resolvedAt ? ` · ${L('đã đóng', 'closed')} ${formatTime(deface.latest!.resolvedAt, true)}` : ''}
              {finding.changeRatio !== undefined ? ` · ${L('thay đổi', 'changed')} ${Math.round(finding.changeRatio * 100)}%` : ''}
            </span>
          </p>
          <ul className="watch-reasons">
            {finding.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">
          {L('Mẫu gốc lấy lúc', 'Baseline taken')} {formatTime(deface.baseline?.createdAt, true)}.{' '}
          {L('Chưa phát hiện thay đổi đáng kể.', 'No significant change found.')}
        </p>
      )}
      <div className="watch-diff">
        <figure>
          <figcaption>
            {L('Trước — mẫu gốc', 'Before — baseline')} <span className="muted">{formatTime(deface.baseline?.createdAt)}</span>
          </figcaption>
          {beforeShot ? (
            <a href={beforeShot} target="_blank" rel="noreferrer">
              <img alt={L('Ảnh chụp mẫu gốc', 'Baseline screenshot')} src={beforeShot} loading="lazy" />
            </a>
          ) : (
            <p className="muted">{L('Không có ảnh chụp', 'No screenshot')}</p>
          )}
          {finding ? (
            <div className="watch-text" data-testid="watch-diff-before">
              {keyed(before.slice(0, 80)).map(([key, block]) => (
                <p key={key} className={removed.has(block) ? 'diff-removed' : ''}>
                  {removed.has(block) ? <del>{block}</del> : block}
                </p>
              ))}
            </div>
          ) : null}
        </figure>
        {finding ? (
          <figure>
            <figcaption>
              {L('Sau — lúc cảnh báo', 'After — at alert time')} <span className="muted">{formatTime(deface.latest?.openedAt)}</span>
            </figcaption>
            {afterShot ? (
              <a href={afterShot} target="_blank" rel="noreferrer">
                <img alt={L('Ảnh chụp lúc cảnh báo', 'Screenshot at alert time')} src={afterShot} loading="lazy" />
              </a>
            ) : (
              <p className="muted">{L('Không có ảnh chụp', 'No screenshot')}</p>
            )}
            <div className="watch-text" data-testid="watch-diff-after">
              {keyed(finding.added.slice(0, 80)).map(([key, block]) => (
                <p key={key} className="diff-added">
                  <ins>{block}</ins>
                </p>
              ))}
              {keyed(kept.slice(0, 80)).map(([key, block]) => (
                <p key={key}>{block}</p>
              ))}
            </div>
            {finding.evidence?.html ? (
              <a className="button small" href={evidenceUrl(finding.evidence.html)} target="_blank" rel="noreferrer">
                {L('Xem HTML lúc cảnh báo (dạng văn bản)', 'HTML at alert time (as text)')}
              </a>
            ) : null}
          </figure>
        ) : null}
      </div>
    </Card>
  );
}

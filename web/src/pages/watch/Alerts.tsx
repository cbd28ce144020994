import { useCallback, useEffect, useState } from 'react';
import { apiGet, apiPost } from '../../api';
import { Card } from '../../components/Card';
import { Link } from '../../router';
import { type Alert, boardCache, formatTime, useL } from './data';

const KIND: Record<string, [string, string]> = {
  down: ['Ngừng hoạt động', 'Down'],
  degraded: ['Suy giảm', 'Degraded'],
  defacement: ['Thay đổi giao diện', 'Defacement'],
  'dns-change': ['Bản ghi DNS thay đổi', 'DNS change'],
  'cert-expiry': ['Chứng thư sắp hết hạn', 'Certificate expiry'],
};

/** /watch/alerts — open alerts first, acknowledge from the page (stops the escalation). */
export function AlertsView() {
  const L = useL();
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [openOnly, setOpenOnly] = useState(false);
  const load = useCallback(
    () =>
      apiGet<{ items: Alert[] }>('/watch/alerts', { limit: 300, open: openOnly ? 'true' : undefined }).then(
        (r) => setAlerts(r.items),
        () => setAlerts([]),
      ),
    [openOnly],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [load]);
  // Names from the board when it was loaded in this visit; the id otherwise.
  const names = new Map((boardCache.rows ?? []).map((r) => [r.id, r.name]));
  const sorted = [...(alerts ?? [])].sort((a, b) => Number(Boolean(a.resolved_at)) - Number(Boolean(b.resolved_at)) || b.opened_at.localeCompare(a.opened_at));
  return (
    <Card
      title={L('Cảnh báo', 'Alerts')}
      actions={
        <label className="watch-check">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> {L('Chỉ cảnh báo đang mở', 'Open alerts only')}
        </label>
      }
    >
      {alerts && sorted.length === 0 ? <p className="muted">{L('Không có cảnh báo.', 'No alerts.')}</p> : null}
      {sorted.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="watch-alerts">
            <thead>
              <tr>
                <th>{L('Mở lúc', 'Opened')}</th>
                <th>{L('Mục theo dõi', 'Monitor')}</th>
                <th>{L('Loại', 'Kind')}</th>
                <th className="hide-phone">{L('Nội dung', 'Summary')}</th>
                <th>{L('Tình trạng', 'State')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((a) => (
                <tr key={a.id} className={a.resolved_at ? 'watch-past' : ''}>
                  <td>{formatTime(a.opened_at)}</td>
                  <td>
                    <Link to={`/watch/monitors/${encodeURIComponent(a.monitor_id)}`}>{names.get(a.monitor_id) ?? a.monitor_id}</Link>
                  </td>
                  <td>{L(...(KIND[a.kind] ?? [a.kind, a.kind]))}</td>
                  <td className="hide-phone">{a.summary}</td>
                  <td>
                    {a.resolved_at ? (
                      <span className="badge badge-ok">
                        {L('Đã khôi phục', 'Resolved')} {formatTime(a.resolved_at)}
                      </span>
                    ) : a.acked_at ? (
                      <span className="badge badge-info">
                        {L('Đã xác nhận', 'Acknowledged')}: {a.acked_by}
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button small primary"
                        onClick={() => void apiPost(`/watch/alerts/${encodeURIComponent(a.id)}/ack`).then(load)}
                      >
                        {L('Xác nhận', 'Acknowledge')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}

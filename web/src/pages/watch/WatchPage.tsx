import type { ReactElement } from 'react';
import { useAuth } from '../../auth';
import { Card, PageHeader } from '../../components/Card';
import { Link, navigate } from '../../router';
import type { PageProps } from '../types';
import { AlertsView } from './Alerts';
import { Board } from './Board';
import { boardCache, useL } from './data';
import { MonitorDetail } from './MonitorDetail';
import { MonitorForm } from './MonitorForm';
import { RosterView } from './Roster';
import { WatchLogView } from './WatchLog';
import './watch.css';

/**
 * /watch                 live status board (SSE) over a virtualised list of every monitor
 * /watch/monitors/:id    one monitor: uptime 24 h/7 d/30 d, response times, defacement diff, edit, pause
 * /watch/new             add a monitor
 * /watch/alerts          alerts with acknowledgement
 * /watch/roster          who is on duty, next handover, shifts over the holiday calendar
 * /watch/log             nhật ký trực per shift, notes and handovers, PDF/XLSX export
 */
const TABS = [
  { path: '', vi: 'Bảng trạng thái', en: 'Status board' },
  { path: '/alerts', vi: 'Cảnh báo', en: 'Alerts' },
  { path: '/roster', vi: 'Lịch trực', en: 'Roster' },
  { path: '/log', vi: 'Nhật ký trực', en: 'Watch log' },
];

export default function WatchPage({ subpath }: PageProps) {
  const L = useL();
  const { can } = useAuth();
  const path = subpath.replace(/\/$/, '');
  const monitor = /^\/monitors\/([^/]+)$/.exec(path);
  let view: ReactElement;
  if (monitor) view = <MonitorDetail key={monitor[1]} id={decodeURIComponent(monitor[1]!)} />;
  else if (path === '/alerts') view = <AlertsView />;
  else if (path === '/roster') view = <RosterView />;
  else if (path === '/log') view = <WatchLogView />;
  else if (path === '/new')
    view = (
      <Card title={L('Thêm mục theo dõi', 'Add a monitor')}>
        <MonitorForm
          onSaved={(id) => {
            boardCache.rows = null;
            navigate(`/watch/monitors/${encodeURIComponent(id)}`);
          }}
          onCancel={() => navigate('/watch')}
        />
      </Card>
    );
  else view = <Board />;
  const active = monitor || path === '/new' ? null : path;
  return (
    <div className="watch-page">
      <PageHeader
        title={L('Giám sát trực', 'Holiday watch')}
        subtitle={L('Trạng thái trực tiếp, cảnh báo, lịch trực và nhật ký trực', 'Live status, alerts, roster and watch log')}
        actions={
          can('analyst') ? (
            <Link to="/watch/new" className="button primary" data-testid="watch-add">
              {L('+ Thêm mục theo dõi', '+ Add monitor')}
            </Link>
          ) : null
        }
      />
      <nav className="tabs" aria-label={L('Các phần của trang giám sát', 'Watch sections')}>
        {TABS.map((tab) => (
          <Link
            key={tab.path}
            to={`/watch${tab.path}`}
            className={`tab ${active === tab.path ? 'active' : ''}`}
            aria-current={active === tab.path ? 'page' : undefined}
          >
            {L(tab.vi, tab.en)}
          </Link>
        ))}
      </nav>
      {view}
    </div>
  );
}

import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../api';
import { Card, PageHeader, Stat } from '../../components/Card';
import { registerMessages } from '../../i18n';
import { navigate, useQuery } from '../../router';
import type { PageProps } from '../types';
import { AccountsCard } from './AccountsCard';
import { type AccountFilter, type AccountPage, DONE, formatDate, formatNumber, type Progress, type Source, STATES, useResource } from './data';
import { messages } from './messages';
import { PasswordCheck } from './PasswordCheck';
import { ProgressChart } from './ProgressChart';
import { SourceView } from './SourceView';
import './leaks.css';

registerMessages('leaks', messages);

/**
 * /leaks                the dashboard: figures, per-unit progress (chart), sources, accounts with
 *                       filters (?state=&unit=&severity=&source=&text=) paged by the server,
 *                       exports (everything under the filters), password self-check
 * /leaks/sources/:id    one source: HIBP-shaped fields and the census of each file
 */
export default function LeaksPage({ subpath }: PageProps) {
  const source = /^\/sources\/([^/]+)$/.exec(subpath);
  if (source) return <SourceView id={decodeURIComponent(source[1]!)} />;
  return <Dashboard />;
}

const FILTER_KEYS = ['state', 'unit', 'severity', 'source', 'text'] as const;
const CRITICAL = ['plaintext', 'stealer'];

function Dashboard() {
  const { t, i18n } = useTranslation('leaks');
  const lang = i18n.language;
  const query = useQuery();
  const filter: AccountFilter = useMemo(() => Object.fromEntries(FILTER_KEYS.filter((k) => query[k]).map((k) => [k, query[k]])), [query]);
  const sources = useResource<Source[]>('/leaks/sources');
  const progress = useResource<Progress[]>('/leaks/progress');
  // The critical figure under the filters: two one-row pages whose totals count plaintext and stealer-log accounts.
  const plaintext = useResource<AccountPage>(filter.severity && filter.severity !== 'plaintext' ? null : '/leaks/accounts', {
    ...filter,
    severity: 'plaintext',
    limit: 1,
  });
  const stealer = useResource<AccountPage>(filter.severity && filter.severity !== 'stealer' ? null : '/leaks/accounts', {
    ...filter,
    severity: 'stealer',
    limit: 1,
  });

  const setFilter = useCallback((next: AccountFilter) => {
    const search = new URLSearchParams();
    for (const k of FILTER_KEYS) if (next[k]) search.set(k, next[k]!);
    const qs = search.toString();
    navigate(`/leaks${qs ? `?${qs}` : ''}`, { replace: true });
  }, []);
  const reloadAll = () => {
    progress.reload();
    plaintext.reload();
    stealer.reload();
  };

  const units = progress.data ?? [];
  const totals = useMemo(() => {
    let total = 0;
    let done = 0;
    for (const u of units) {
      total += u.total;
      for (const [state, n] of Object.entries(u.states)) if (DONE.has(state)) done += n;
    }
    return { total, done };
  }, [units]);
  const criticalParts = [plaintext, stealer].filter((_, i) => !filter.severity || filter.severity === CRITICAL[i]);
  const critical = criticalParts.every((r) => r.data) ? criticalParts.reduce((n, r) => n + (r.data?.total ?? 0), 0) : null;
  const exportQuery = { ...filter };
  const error = sources.error ?? progress.error;

  return (
    <div className="page leaks-page">
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <>
            <a className="button" href={apiUrl('/leaks/accounts/export.xlsx', exportQuery)} download data-testid="export-xlsx" title={t('exportHint')}>
              {t('exportXlsx')}
            </a>
            <a className="button primary" href={apiUrl('/leaks/accounts/export.pdf', exportQuery)} download data-testid="export-pdf" title={t('exportHint')}>
              {t('exportPdf')}
            </a>
          </>
        }
      />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="leak-stats" data-testid="leak-stats">
        <Stat label={t('stats.accounts')} value={formatNumber(totals.total, lang)} />
        <Stat label={t('stats.open')} value={formatNumber(totals.total - totals.done, lang)} tone={totals.total - totals.done > 0 ? 'fail' : 'ok'} />
        <Stat
          label={t('stats.done')}
          value={totals.total ? `${Math.round((totals.done / totals.total) * 100)}%` : '—'}
          tone={totals.total && totals.done === totals.total ? 'ok' : 'warn'}
        />
        <Stat label={t('stats.critical')} value={formatNumber(critical, lang)} tone="fail" />
        <Stat label={t('stats.sources')} value={formatNumber(sources.data?.length ?? 0, lang)} tone="info" />
      </div>

      <div className="leak-grid">
        <Card title={t('progress')} className="leak-progress">
          <p className="muted leak-note">{t('progressNote')}</p>
          {units.length ? <ProgressChart progress={units} /> : <p className="muted">{t('noProgress')}</p>}
          <div className="table-wrap">
            <table className="table leak-compact" data-testid="leak-progress">
              <thead>
                <tr>
                  <th>{t('unit')}</th>
                  <th className="num">{t('total')}</th>
                  <th className="num">{t('doneShort')}</th>
                  <th className="leak-bar-cell hide-phone">
                    <span className="visually-hidden">%</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {units.map((u) => {
                  const done = STATES.filter((s) => DONE.has(s)).reduce((n, s) => n + (u.states[s] ?? 0), 0);
                  const percent = Math.round((done / Math.max(1, u.total)) * 100);
                  return (
                    <tr key={u.unit}>
                      <td>{u.unit}</td>
                      <td className="num">{formatNumber(u.total, lang)}</td>
                      <td className="num">{percent}%</td>
                      <td className="leak-bar-cell hide-phone">
                        <span className="leak-bar">
                          <span style={{ width: `${percent}%` }} />
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>

        <Card title={t('sources')} className="leak-sources">
          <p className="muted leak-note">{t('sourcesNote')}</p>
          <div className="table-wrap">
            <table className="table" data-testid="leak-sources">
              <thead>
                <tr>
                  <th>{t('source')}</th>
                  <th className="hide-phone">{t('breachDate')}</th>
                  <th className="num">{t('pwnCount')}</th>
                  <th className="num">{t('orgCount')}</th>
                </tr>
              </thead>
              <tbody>
                {sources.data && sources.data.length === 0 ? (
                  <tr>
                    <td colSpan={4} className="table-empty">
                      {t('noSources')}
                    </td>
                  </tr>
                ) : null}
                {(sources.data ?? []).map((s) => (
                  <tr key={s.id} className="clickable" onClick={() => navigate(`/leaks/sources/${encodeURIComponent(s.id)}`)}>
                    <td>
                      <a href={`/leaks/sources/${encodeURIComponent(s.id)}`} onClick={(e) => e.preventDefault()} className="leak-source-link">
                        {s.title}
                      </a>
                      <div className="leak-sub">
                        {s.dataClasses.join(' · ')}
                        {s.flags.stealerLog ? (
                          <>
                            {' '}
                            <span className="badge badge-fail">{t('flagNames.stealerLog')}</span>
                          </>
                        ) : null}
                      </div>
                    </td>
                    <td className="hide-phone">{s.breachDate ? formatDate(s.breachDate, lang) : '—'}</td>
                    <td className="num">{formatNumber(s.pwnCount, lang)}</td>
                    <td className="num">
                      <strong>{formatNumber(s.orgCount, lang)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      </div>

      <AccountsCard
        filter={filter}
        allAccounts={progress.data ? totals.total : null}
        onFilter={setFilter}
        units={units.map((u) => u.unit).filter((u) => !u.startsWith('('))}
        sources={(sources.data ?? []).map((s) => s.name)}
        onChanged={reloadAll}
      />

      <PasswordCheck />
    </div>
  );
}

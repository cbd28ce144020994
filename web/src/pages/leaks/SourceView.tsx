import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, PageHeader, Stat } from '../../components/Card';
import { Chart } from '../../components/Chart';
import { apiUrl } from '../../api';
import { Link } from '../../router';
import { SeverityBadge, StateBadge } from './Badges';
import { CATEGORIES, type FileCensus, formatBytes, formatDate, formatNumber, SEVERITIES, type SourceDetail, STATES, useResource } from './data';

function sum(files: FileCensus[], pick: (f: FileCensus) => number | null): number | null {
  const values = files.map(pick).filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

function merge(records: Record<string, number>[]): [string, number][] {
  const out = new Map<string, number>();
  for (const r of records) for (const [k, v] of Object.entries(r)) out.set(k, (out.get(k) ?? 0) + v);
  return [...out].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** /leaks/sources/:id — what one source holds: HIBP-shaped fields and the census of each file. */
export function SourceView({ id }: { id: string }) {
  const { t, i18n } = useTranslation('leaks');
  const lang = i18n.language;
  const { data: source, error } = useResource<SourceDetail>(`/leaks/sources/${encodeURIComponent(id)}`);
  const files = source?.files ?? [];
  const totals = source?.totals;
  // The whole source first (the union: an address in several files counts once), then each file beside it — never stacked, which would add them up.
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
      legend: files.length > 1 ? { bottom: 0, type: 'scroll' as const } : undefined,
      grid: { left: 8, right: 16, top: 16, bottom: files.length > 1 ? 36 : 8, containLabel: true },
      xAxis: { type: 'category' as const, data: CATEGORIES.map((c) => t(`category.${c}`)), axisLabel: { interval: 0, width: 64, overflow: 'break' as const } },
      yAxis: { type: 'value' as const, minInterval: 1 },
      series: [
        ...(totals && files.length > 1
          ? [{ type: 'bar' as const, name: t('wholeSource'), barMaxWidth: 48, data: CATEGORIES.map((c) => totals.categories[c] ?? 0) }]
          : []),
        ...files.map((f) => ({
          type: 'bar' as const,
          name: f.name,
          barMaxWidth: 48,
          data: CATEGORIES.map((c) => f.categories[c] ?? 0),
        })),
      ],
    }),
    [files, totals, t],
  );
  if (error) return <p className="error">{error}</p>;
  if (!source) return <p className="muted">{t('common:loading')}</p>;
  const rejected = merge(files.map((f) => f.rejectedByReason));
  const skipped = merge(files.map((f) => f.skipped));
  const domains = Object.entries(source.totals.domains)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 15);
  const flags = Object.entries(source.flags).filter(([, on]) => on);
  const whole = source.totals;
  // With files imported before sketches existed the union is partial: show the source's count
  // instead (the union plus those files' own counts), as an upper bound.
  const uniqueText = whole.filesWithoutSketch.length
    ? `≤ ${formatNumber(source.pwnCount, lang)}`
    : `${whole.uniqueAddressesEstimated ? '≈ ' : ''}${formatNumber(whole.uniqueAddresses, lang)}`;
  const estimate = (bound: number | null) => t('estimated', { bound: `${((bound ?? 0) * 100).toFixed(1)}%` });
  const ours = Object.values(source.accountsBySeverity).reduce((a, b) => a + b, 0);

  return (
    <div className="page leaks-page" data-testid="leak-source">
      <Link to="/leaks" className="leak-back">
        {t('back')}
      </Link>
      <PageHeader
        title={source.title}
        subtitle={source.title === source.name ? undefined : source.name}
        actions={
          <>
            <a className="button" href={apiUrl('/leaks/accounts/export.xlsx', { source: source.name })} download>
              {t('exportXlsx')}
            </a>
            <a className="button primary" href={apiUrl('/leaks/accounts/export.pdf', { source: source.name })} download data-testid="source-export-pdf">
              {t('exportPdf')}
            </a>
          </>
        }
      />
      <div className="leak-stats">
        <Stat
          label={t('bytes')}
          value={formatBytes(
            sum(files, (f) => f.bytes),
            lang,
          )}
        />
        <Stat
          label={t('lines')}
          value={formatNumber(
            sum(files, (f) => f.lines),
            lang,
          )}
        />
        <Stat
          label={t('records')}
          value={formatNumber(
            sum(files, (f) => f.records),
            lang,
          )}
        />
        <Stat
          label={t('rejected')}
          value={formatNumber(
            sum(files, (f) => f.rejected),
            lang,
          )}
          tone="warn"
        />
        <Stat label={t('unique')} value={uniqueText} tone="info" />
        <Stat label={t('orgCount')} value={formatNumber(source.orgCount, lang)} tone="fail" />
      </div>
      {whole.filesWithoutSketch.length > 0 ? (
        <p className="leak-note warn" role="note" data-testid="source-unsketched">
          {t('unsketched', { count: whole.filesWithoutSketch.length })}
        </p>
      ) : null}
      <div className="leak-grid">
        <Card title={t('hibp')}>
          <dl className="leak-facts" data-testid="source-facts">
            <dt>{t('name')}</dt>
            <dd>{source.name}</dd>
            <dt>{t('breachDate')}</dt>
            <dd>{formatDate(source.breachDate, lang)}</dd>
            <dt>{t('addedDate')}</dt>
            <dd>{formatDate(source.addedDate, lang)}</dd>
            <dt>{t('pwnCount')}</dt>
            <dd>{formatNumber(source.pwnCount, lang)}</dd>
            <dt>{t('orgCount')}</dt>
            <dd>{formatNumber(source.orgCount, lang)}</dd>
            <dt>{t('dataClasses')}</dt>
            <dd className="leak-tags">
              {source.dataClasses.map((c) => (
                <span key={c} className="leak-tag">
                  {c}
                </span>
              ))}
            </dd>
            <dt>{t('flags')}</dt>
            <dd className="leak-tags">
              {flags.length === 0 ? <span className="muted">{t('noFlags')}</span> : null}
              {flags.map(([f]) => (
                <span key={f} className="badge badge-warn">
                  {t(`flagNames.${f}`, { defaultValue: f })}
                </span>
              ))}
            </dd>
          </dl>
        </Card>
        <Card
          title={t('ourAccounts')}
          actions={
            <Link className="button small" to={`/leaks?source=${encodeURIComponent(source.name)}`} data-testid="source-accounts-link">
              {t('showAccounts')}
            </Link>
          }
        >
          <p className="leak-big">{formatNumber(ours, lang)}</p>
          <div className="leak-tags">
            {SEVERITIES.filter((s) => source.accountsBySeverity[s]).map((s) => (
              <span key={s} className="leak-count">
                <SeverityBadge severity={s} /> {formatNumber(source.accountsBySeverity[s] ?? 0, lang)}
              </span>
            ))}
          </div>
          <div className="leak-tags">
            {STATES.filter((s) => source.accountsByState[s]).map((s) => (
              <span key={s} className="leak-count">
                <StateBadge state={s} /> {formatNumber(source.accountsByState[s] ?? 0, lang)}
              </span>
            ))}
          </div>
        </Card>
      </div>
      <Card title={t('census')}>
        <p className="muted leak-note">{t('censusNote')}</p>
        <div className="table-wrap">
          <table className="table" data-testid="census-files">
            <thead>
              <tr>
                <th>{t('file')}</th>
                <th className="num">{t('bytes')}</th>
                <th className="num">{t('lines')}</th>
                <th className="num">{t('records')}</th>
                <th className="num">{t('rejected')}</th>
                <th className="num">{t('unique')}</th>
                {CATEGORIES.map((c) => (
                  <th key={c} className="num hide-phone">
                    {t(`category.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.key}>
                  <td title={f.path}>{f.name}</td>
                  <td className="num">{formatBytes(f.bytes ?? f.size, lang)}</td>
                  <td className="num">{formatNumber(f.lines, lang)}</td>
                  <td className="num">{formatNumber(f.records, lang)}</td>
                  <td className="num">{formatNumber(f.rejected, lang)}</td>
                  <td className="num">
                    {formatNumber(f.uniqueAddresses, lang)}
                    {f.uniqueAddressesEstimated ? <span className="leak-estimate"> ({estimate(f.uniqueAddressesErrorBound)})</span> : null}
                  </td>
                  {CATEGORIES.map((c) => (
                    <td key={c} className="num hide-phone">
                      {formatNumber(f.categories[c], lang)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            {files.length > 1 ? (
              <tfoot data-testid="census-totals">
                <tr>
                  <th>{t('wholeSource')}</th>
                  <th className="num">{formatBytes(whole.bytes, lang)}</th>
                  <th className="num">{formatNumber(whole.lines, lang)}</th>
                  <th className="num">{formatNumber(whole.records, lang)}</th>
                  <th className="num">{formatNumber(whole.rejected, lang)}</th>
                  <th className="num">
                    {uniqueText}
                    {whole.uniqueAddressesEstimated ? <span className="leak-estimate"> ({estimate(whole.uniqueAddressesErrorBound)})</span> : null}
                  </th>
                  {CATEGORIES.map((c) => (
                    <th key={c} className="num hide-phone">
                      {formatNumber(whole.categories[c] ?? null, lang)}
                    </th>
                  ))}
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      </Card>
      <div className="leak-grid leak-grid-3">
        <Card title={t('categories')}>
          <div data-testid="census-chart">
            <Chart option={option} height={240} ariaLabel={t('categoriesChart')} />
          </div>
        </Card>
        <Card title={t('rejectedReasons')}>
          {rejected.length === 0 && skipped.length === 0 ? <p className="muted">{t('noRejects')}</p> : null}
          {rejected.length + skipped.length > 0 ? (
            <table className="table" data-testid="census-rejected">
              <thead>
                <tr>
                  <th>{t('reason')}</th>
                  <th className="num">{t('count')}</th>
                </tr>
              </thead>
              <tbody>
                {rejected.map(([reason, n]) => (
                  <tr key={`r-${reason}`}>
                    <td>
                      <code>{reason}</code>
                    </td>
                    <td className="num">{formatNumber(n, lang)}</td>
                  </tr>
                ))}
                {skipped.map(([reason, n]) => (
                  <tr key={`s-${reason}`}>
                    <td>
                      <code>{reason}</code> <span className="muted">({t('skipped')})</span>
                    </td>
                    <td className="num">{formatNumber(n, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Card>
        <Card title={t('topDomains')}>
          <table className="table" data-testid="census-domains">
            <thead>
              <tr>
                <th>{t('domain')}</th>
                <th className="num">{t('count')}</th>
              </tr>
            </thead>
            <tbody>
              {domains.map(([d, n]) => (
                <tr key={d}>
                  <td>{d}</td>
                  <td className="num">{formatNumber(n, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      </div>
    </div>
  );
}

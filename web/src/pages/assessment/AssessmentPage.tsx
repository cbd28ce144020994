import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiGet, apiPost, apiUrl } from '../../api';
import { useAuth } from '../../auth';
import { Card, PageHeader, Stat } from '../../components/Card';
import { StatusBadge } from '../../components/StatusBadge';
import { type Column, Table } from '../../components/Table';
import { registerMessages } from '../../i18n';
import { Link, navigate, useQuery } from '../../router';
import type { PageProps } from '../types';
import { type Check, type CheckStatus, type Diff, formatTime, type RunDetail, type RunSummary, statusTone, type TargetSummary, useResource } from './data';
import { Grade } from './Grade';
import { messages } from './messages';
import { TrendChart } from './TrendChart';
import './assessment.css';

registerMessages('assessment', messages);

/**
 * /assessment                         posture of the latest run, history, trend, start a run
 * /assessment/runs/:id                posture of one run
 * /assessment/runs/:id/target?target= one target: checks with evidence and remediation, what changed
 */
export default function AssessmentPage({ subpath }: PageProps) {
  const target = /^\/runs\/([^/]+)\/target$/.exec(subpath);
  if (target) return <TargetView runId={decodeURIComponent(target[1]!)} />;
  const run = /^\/runs\/([^/]+)$/.exec(subpath);
  return <PostureView runId={run ? decodeURIComponent(run[1]!) : null} />;
}

function ExportButtons({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation('assessment');
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  return (
    <span className="button-row">
      <a className="button" href={apiUrl(`/assessment/runs/${encodeURIComponent(runId)}/export`, { format: 'xlsx', lang })} download data-testid="export-xlsx">
        {t('exportXlsx')}
      </a>
      <a className="button" href={apiUrl(`/assessment/runs/${encodeURIComponent(runId)}/export`, { format: 'pdf', lang })} download data-testid="export-pdf">
        {t('exportPdf')}
      </a>
    </span>
  );
}

function StartButton({ onFinished }: { onFinished: (runId: string) => void }) {
  const { t } = useTranslation('assessment');
  const { can } = useAuth();
  const [state, setState] = useState<{ busy: boolean; progress?: string; error?: string }>({ busy: false });
  if (!can('analyst')) return null;
  const start = async () => {
    setState({ busy: true });
    try {
      const { runId, jobId } = await apiPost<{ runId: string; jobId: string }>('/assessment/runs', {});
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const job = await apiGet<{ state: string; progress?: number; error?: string }>(`/assessment/jobs/${jobId}`);
        if (job.state === 'done') break;
        if (job.state === 'failed') throw new Error(job.error ?? 'failed');
        setState({ busy: true, progress: job.progress === undefined ? '' : `${Math.round(job.progress * 100)}%` });
      }
      setState({ busy: false });
      onFinished(runId);
    } catch (error) {
      setState({ busy: false, error: error instanceof ApiError ? `${error.message}${error.hint ? ` — ${error.hint}` : ''}` : (error as Error).message });
    }
  };
  return (
    <span>
      <button type="button" className="button primary" disabled={state.busy} onClick={() => void start()} data-testid="assessment-start">
        {state.busy ? t('running', { progress: state.progress ?? '' }) : t('start')}
      </button>
      {state.error ? <span className="error"> {state.error}</span> : null}
    </span>
  );
}

function PostureView({ runId }: { runId: string | null }) {
  const { t, i18n } = useTranslation('assessment');
  const language = i18n.language === 'en' ? 'en' : 'vi';
  const latest = useResource<{ run: RunDetail | null }>(runId ? null : '/assessment/runs/latest');
  const specific = useResource<RunDetail>(runId ? `/assessment/runs/${encodeURIComponent(runId)}` : null);
  const runs = useResource<{ runs: RunSummary[] }>('/assessment/runs', { limit: 20 });
  const run = runId ? specific.data : latest.data?.run;
  const error = latest.error ?? specific.error;
  const reload = () => {
    latest.reload();
    runs.reload();
  };

  const columns: Column<TargetSummary>[] = [
    {
      key: 'target',
      header: t('target'),
      sortValue: (r) => r.target,
      render: (r) => (
        <Link to={`/assessment/runs/${run?.id}/target?target=${encodeURIComponent(r.target)}`}>
          {r.name ? `${r.name} — ` : ''}
          {r.target}
        </Link>
      ),
    },
    { key: 'kind', header: t('kind'), render: (r) => t(r.kind), sortValue: (r) => r.kind, hideOnPhone: true },
    {
      key: 'grade',
      header: t('grade'),
      render: (r) => <Grade grade={r.grade} score={r.score} assessed={r.assessed !== false} />,
      // not assessed sorts below every score: it needs looking at first
      sortValue: (r) => r.score ?? -1,
    },
    { key: 'failed', header: t('failures'), render: (r) => r.failedChecks, sortValue: (r) => r.failedChecks, align: 'right' },
    {
      key: 'worst',
      header: t('worst'),
      render: (r) =>
        r.worst.length === 0 ? (
          t('none')
        ) : (
          <ul className="plain-list">
            {r.worst.slice(0, 3).map((w) => (
              <li key={`${w.id}|${w.subject ?? ''}`}>
                <StatusBadge status={statusTone(w.status)} label={t(`statusNames.${w.status}`)} /> {w.title[language]}
                {w.subject ? <span className="muted"> ({w.subject})</span> : null}
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <div>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          <>
            {run ? <ExportButtons runId={run.id} /> : null}
            <StartButton onFinished={(id) => (runId ? navigate(`/assessment/runs/${id}`) : reload())} />
          </>
        }
      />
      {error ? <p className="error">{error}</p> : null}
      {!run ? (
        <Card>
          <p>{latest.data || specific.data ? t('noRuns') : '…'}</p>
        </Card>
      ) : (
        <>
          <Card title={`${t('posture')} — ${t('run', { date: formatTime(run.startedAt, i18n.language) })}`}>
            <div className="stats">
              <Stat label={t('organisationScore')} value={<Grade grade={run.grade} score={run.score} />} />
              <Stat label={t('targets')} value={run.targetCount} />
              <Stat label={t('failures')} value={run.failedChecks} tone={run.failedChecks > 0 ? 'fail' : 'ok'} />
            </div>
            {run.notAssessed > 0 ? (
              <p className="muted" data-testid="assessment-excluded">
                {t('excluded', { count: run.notAssessed })}
              </p>
            ) : null}
            <Table columns={columns} rows={run.targets} rowKey={(r) => r.target} />
          </Card>
        </>
      )}
      <Card title={t('trend')}>
        <TrendChart />
      </Card>
      <Card title={t('history')}>
        <Table
          columns={[
            {
              key: 'started',
              header: t('started'),
              render: (r: RunSummary) => <Link to={`/assessment/runs/${r.id}`}>{formatTime(r.startedAt, i18n.language)}</Link>,
              sortValue: (r) => r.startedAt,
            },
            { key: 'scope', header: t('target'), render: (r: RunSummary) => r.scope },
            { key: 'status', header: t('status'), render: (r: RunSummary) => t(`runStatus.${r.status}`) },
            { key: 'grade', header: t('grade'), render: (r: RunSummary) => <Grade grade={r.grade} score={r.score} /> },
            { key: 'failed', header: t('failures'), render: (r: RunSummary) => r.failedChecks, align: 'right' },
          ]}
          rows={runs.data?.runs ?? []}
          rowKey={(r) => r.id}
        />
      </Card>
    </div>
  );
}

const FILTERS: (CheckStatus | '')[] = ['', 'fail', 'warn', 'error', 'pass', 'info'];

function TargetView({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation('assessment');
  const { target = '', status = '' } = useQuery();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const detail = useResource<TargetSummary & { checks: Check[] }>(`/assessment/runs/${encodeURIComponent(runId)}/target`, { target, lang });
  const diff = useResource<Diff>(`/assessment/runs/${encodeURIComponent(runId)}/diff`, { target, lang });
  const [open, setOpen] = useState<string | null>(null);
  const checks = (detail.data?.checks ?? []).filter((c) => !status || c.status === status);
  const setFilter = (value: string) =>
    navigate(`/assessment/runs/${encodeURIComponent(runId)}/target?target=${encodeURIComponent(target)}${value ? `&status=${value}` : ''}`, { replace: true });

  return (
    <div>
      <PageHeader
        title={detail.data?.name ? `${detail.data.name} — ${target}` : target}
        subtitle={<Link to={`/assessment/runs/${runId}`}>{t('back')}</Link>}
        actions={<ExportButtons runId={runId} />}
      />
      {detail.error ? <p className="error">{detail.error}</p> : null}
      {detail.data ? (
        <Card title={t('categories')}>
          <div className="stats">
            <Stat label={t('score')} value={<Grade grade={detail.data.grade} score={detail.data.score} assessed={detail.data.assessed !== false} />} />
            {detail.data.categories.map((c) => (
              <Stat key={c.category} label={c.title ?? c.category} value={<Grade grade={c.grade} score={c.score} />} />
            ))}
          </div>
          {detail.data.cap ? (
            <p className="muted">
              SSL Labs {detail.data.cap.sslLabs}: {detail.data.cap.reasons.join(', ')}
            </p>
          ) : null}
          {detail.data.errors.length ? <p className="error">{t('errors', { errors: detail.data.errors.join('; ') })}</p> : null}
        </Card>
      ) : null}
      <Card title={t('changes')}>
        {!diff.data ? (
          '…'
        ) : diff.data.previousRunId === null ? (
          <p className="muted">{t('noPrevious')}</p>
        ) : (
          <div data-testid="assessment-diff">
            <p className="muted">
              {t('since', {
                date: formatTime(diff.data.previousStartedAt ?? '', i18n.language),
                before: diff.data.scoreBefore ?? '–',
                after: diff.data.scoreAfter ?? '–',
              })}
            </p>
            {(['newFailures', 'fixed', 'changed'] as const).map((kind) => (
              <div key={kind}>
                <h3>
                  {t(kind)} ({diff.data![kind].length})
                </h3>
                <ul className="plain-list">
                  {diff.data![kind].map((c) => (
                    <li key={`${c.id}|${c.subject ?? ''}`}>
                      <code>{c.id}</code> {c.title}
                      {c.subject ? ` (${c.subject})` : ''}: {c.before ? t(`statusNames.${c.before}`) : '—'} → {c.after ? t(`statusNames.${c.after}`) : '—'}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        )}
      </Card>
      <Card
        title={t('checks')}
        actions={
          <label>
            {t('filter')}{' '}
            <select value={status} onChange={(e) => setFilter(e.target.value)} data-testid="assessment-filter">
              {FILTERS.map((f) => (
                <option key={f} value={f}>
                  {f ? t(`statusNames.${f}`) : t('all')}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <ul className="plain-list check-list" data-testid="assessment-checks">
          {checks.map((check) => {
            const key = `${check.id}|${check.subject ?? ''}`;
            return (
              <li key={key} className={`check check-${check.status}`} data-status={check.status}>
                <button type="button" className="link-button" onClick={() => setOpen(open === key ? null : key)} aria-expanded={open === key}>
                  <StatusBadge status={statusTone(check.status)} label={t(`statusNames.${check.status}`)} /> <strong>{check.title}</strong>{' '}
                  <code>{check.id}</code>
                  {check.subject ? <span className="muted"> — {check.subject}</span> : null}
                </button>
                <p>{check.detail}</p>
                {check.remediation ? (
                  <p>
                    <strong>{t('remediation')}:</strong> {check.remediation}
                  </p>
                ) : null}
                {open === key ? (
                  <div>
                    <strong>{t('evidence')}</strong>
                    <pre className="evidence">{JSON.stringify(check.evidence, null, 2)}</pre>
                    {check.references.length ? (
                      <p>
                        {t('references')}:{' '}
                        {check.references.map((r) => (
                          <a key={r} href={r} target="_blank" rel="noreferrer noopener">
                            {r}{' '}
                          </a>
                        ))}
                      </p>
                    ) : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      </Card>
      <Card title={t('trend')}>
        <TrendChart target={target} />
      </Card>
    </div>
  );
}

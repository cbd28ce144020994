import { useTranslation } from 'react-i18next';
import { Card, Stat } from '../../components/Card';
import { registerMessages } from '../../i18n';
import { Link } from '../../router';
import { type RunDetail, useResource } from './data';
import { Grade } from './Grade';
import { messages } from './messages';
import './assessment.css';

registerMessages('assessment', messages);

/** The assessment tile of the overview page: the latest organisation grade and the weakest targets. */
export function OverviewPanel() {
  const { t, i18n } = useTranslation('assessment');
  const { data, error } = useResource<{ run: RunDetail | null }>('/assessment/runs/latest');
  const run = data?.run;
  const language = i18n.language === 'en' ? 'en' : 'vi';
  return (
    <Card title={t('overviewTitle')} actions={<Link to="/assessment">{t('overviewOpen')}</Link>}>
      {error ? <p className="error">{error}</p> : null}
      {!run ? (
        <p className="muted">{data ? t('noRuns') : '…'}</p>
      ) : (
        <div className="assessment-overview" data-testid="assessment-overview">
          <div className="stats">
            <Stat label={t('organisationScore')} value={<Grade grade={run.grade} score={run.score} />} />
            <Stat label={t('targets')} value={run.targetCount} />
            <Stat label={t('failures')} value={run.failedChecks} tone={run.failedChecks > 0 ? 'fail' : 'ok'} />
          </div>
          {run.notAssessed > 0 ? <p className="muted">{t('excluded', { count: run.notAssessed })}</p> : null}
          <ul className="plain-list">
            {[...run.targets]
              .sort((a, b) => (a.score ?? -1) - (b.score ?? -1))
              .slice(0, 5)
              .map((target) => (
                <li key={target.target}>
                  <Grade grade={target.grade} score={target.score} assessed={target.assessed !== false} />{' '}
                  <Link to={`/assessment/runs/${run.id}/target?target=${encodeURIComponent(target.target)}`}>{target.name ?? target.target}</Link>
                  {target.worst[0] ? <span className="muted"> — {target.worst[0].title[language]}</span> : null}
                </li>
              ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

export default OverviewPanel;

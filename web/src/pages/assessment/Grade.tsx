import { useTranslation } from 'react-i18next';
import { gradeTone } from './data';

/**
 * A grade letter in a coloured box; the letter itself carries the meaning (colour is extra).
 * `assessed={false}` shows "not assessed" instead: such a target has no grade, and an F would lie.
 */
export function Grade({ grade, score, assessed = true }: { grade: string | null; score?: number | null; assessed?: boolean }) {
  const { t } = useTranslation('assessment');
  if (!assessed)
    return (
      <span className="badge badge-unknown" data-testid="not-assessed" title={t('notAssessedHint')}>
        {t('notAssessed')}
      </span>
    );
  return (
    <span className={`badge badge-${gradeTone(grade)}`} title={score === undefined || score === null ? undefined : `${score}/100`}>
      {grade ?? '–'}
      {score === undefined || score === null ? '' : ` · ${score}`}
    </span>
  );
}

import { useTranslation } from 'react-i18next';

/** A coloured pill for a triage state (colours in leaks.css match the chart's). */
export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation('leaks');
  return <span className={`badge leak-state leak-state-${state}`}>{t(`states.${state}`, { defaultValue: state })}</span>;
}

/** What leaked: stealer log > plaintext > hashed > address only. */
export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useTranslation('leaks');
  return <span className={`badge leak-severity leak-severity-${severity}`}>{t(`severities.${severity}`, { defaultValue: severity })}</span>;
}

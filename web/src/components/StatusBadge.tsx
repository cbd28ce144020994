import { useTranslation } from 'react-i18next';

export type Status = 'ok' | 'warn' | 'fail' | 'info' | 'unknown' | 'running';

/**
 * A coloured label for a state. Pass `label` for your own wording; otherwise the shell's
 * bilingual word for the status is shown. Colour is never the only signal (there is text).
 */
export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{label ?? t(`status.${status}`)}</span>;
}

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from '../../components/Chart';
import { formatTime, type TrendPoint, useResource } from './data';

/** Score over time (echarts): the organisation's, or one target's with `target`. */
export function TrendChart({ target }: { target?: string }) {
  const { t, i18n } = useTranslation('assessment');
  const { data } = useResource<{ points: TrendPoint[] }>('/assessment/trend', { target });
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const },
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category' as const, data: (data?.points ?? []).map((p) => formatTime(p.startedAt, i18n.language)) },
      yAxis: { type: 'value' as const, min: 0, max: 100 },
      series: [
        {
          type: 'line' as const,
          name: t('score'),
          data: (data?.points ?? []).map((p) => p.score),
          smooth: true,
          label: { show: true, formatter: (v: { dataIndex: number }) => data?.points[v.dataIndex]?.grade ?? '' },
        },
      ],
    }),
    [data, i18n.language, t],
  );
  if (!data || data.points.length === 0) return <p className="muted">{t('none')}</p>;
  return <Chart option={option} height={220} ariaLabel={t('trend')} />;
}

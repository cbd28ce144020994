import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart } from '../../components/Chart';
import { type Progress, STATE_COLOURS, STATES } from './data';

/**
 * Per-unit progress as a horizontal stacked bar (echarts): one bar per unit, one segment per
 * triage state, so "every leaked account run to closure" reads at a glance.
 */
export function ProgressChart({ progress }: { progress: Progress[] }) {
  const { t } = useTranslation('leaks');
  const units = useMemo(() => [...progress].sort((a, b) => a.total - b.total), [progress]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' as const, axisPointer: { type: 'shadow' as const } },
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, itemGap: 12 },
      grid: { left: 8, right: 24, top: window.innerWidth < 640 ? 84 : 64, bottom: 8, containLabel: true },
      xAxis: { type: 'value' as const, minInterval: 1 },
      yAxis: {
        type: 'category' as const,
        data: units.map((u) => u.unit),
        // Unit names are long ("Phòng Bưu chính - Viễn thông"): a narrower label column on phones.
        axisLabel: { width: window.innerWidth < 640 ? 96 : 170, overflow: 'truncate' as const },
      },
      series: STATES.map((state) => ({
        type: 'bar' as const,
        name: t(`states.${state}`),
        stack: 'accounts',
        barMaxWidth: 26,
        itemStyle: { color: STATE_COLOURS[state] },
        emphasis: { focus: 'series' as const },
        data: units.map((u) => u.states[state] ?? 0),
      })),
    }),
    [units, t],
  );
  return (
    <div data-testid="progress-chart">
      <Chart option={option} height={Math.max(220, 100 + units.length * 34)} ariaLabel={t('progressChart')} />
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

type ECharts = typeof import('echarts');
type EChartsOption = import('echarts').EChartsOption;

let echartsModule: Promise<ECharts> | undefined;
/** echarts is large: it is loaded (as its own chunk) the first time a chart is shown. */
function loadECharts(): Promise<ECharts> {
  echartsModule ??= import('echarts');
  return echartsModule;
}

/**
 * An echarts chart that follows its container's size. Pass a plain echarts option; colours
 * default to the dashboard palette.
 */
export function Chart({ option, height = 280, ariaLabel }: { option: EChartsOption; height?: number; ariaLabel: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<import('echarts').ECharts | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { t } = useTranslation();

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    loadECharts()
      .then((echarts) => {
        if (disposed || !element.current) return;
        chart.current = echarts.init(element.current, undefined, { renderer: 'canvas' });
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(element.current);
      })
      .catch((error: Error) => setFailed(error.message));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    void loadECharts().then(() => {
      if (cancelled || !chart.current) return;
      const styles = getComputedStyle(document.documentElement);
      const palette = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5'].map((name) => styles.getPropertyValue(name).trim());
      chart.current.setOption({ color: palette, textStyle: { fontFamily: styles.getPropertyValue('--font').trim() }, ...option }, true);
    });
    return () => {
      cancelled = true;
    };
  }, [option]);

  if (failed) return <p className="error">{t('error', { message: failed })}</p>;
  return <div ref={element} className="chart" style={{ height }} role="img" aria-label={ariaLabel} />;
}

/**
 * An ECharts chart (tree-shaken: only the chart types the dashboard uses). Marks itself with
 * data-rendered once drawn and records navigation-to-first-chart time for performance checks.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart, CustomChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
  TitleComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  SankeyChart,
  ScatterChart,
  CustomChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
  TitleComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export interface ChartHandle {
  dataUrl(): string | undefined;
}

declare global {
  interface Window {
    __waymarkNavStart?: number;
    __waymarkFirstChart?: Record<string, number>;
  }
}

export const Chart = forwardRef<
  ChartHandle,
  { option: ChartOption; height?: number; label: string; onClick?: (params: echarts.ECElementEvent) => void }
>(function Chart({ option, height = 280, label, onClick }, ref) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const click = useRef(onClick);
  click.current = onClick;

  useImperativeHandle(ref, () => ({ dataUrl: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) }));

  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    // Under automation the instance is reachable from its element, so end-to-end tests can
    // measure what the canvas drew (label boxes) instead of guessing from pixels.
    if (navigator.webdriver) (el.current as HTMLDivElement & { __wmChart?: echarts.ECharts }).__wmChart = c;
    c.on('click', (p) => click.current?.(p as echarts.ECElementEvent));
    c.on('finished', () => {
      // An empty option (data still loading) is not a rendered chart.
      const series = (c.getOption() as { series?: unknown[] } | undefined)?.series;
      if (el.current && !el.current.dataset.rendered && series && series.length > 0) {
        el.current.dataset.rendered = '1';
        const view = window.location.pathname;
        window.__waymarkFirstChart ??= {};
        if (window.__waymarkNavStart !== undefined && window.__waymarkFirstChart[view] === undefined) {
          window.__waymarkFirstChart[view] = performance.now() - window.__waymarkNavStart;
        }
      }
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);

  useEffect(() => {
    // No animation under automation, so screenshots show finished charts.
    chart.current?.setOption({ animationDuration: 300, ...option, ...(navigator.webdriver ? { animation: false } : {}) }, true);
  }, [option]);

  return <div ref={el} role="img" aria-label={label} className="wm-chart" style={{ width: '100%', height }} />;
});

/**
 * Annotations on every time chart, drawn one way: notes and campaign launches users add, initiatives'
 * ship dates and anomaly alerts (GET /api/v1/chart-annotations, one list for all of them) become an
 * ECharts markLine per day (markArea for a span) on the chart's first series. A chart whose points are
 * weeks or slices puts each annotation on the point whose period holds its day.
 */
import { get } from '../api.ts';
import { useData } from '../data.ts';

/** What GET /api/v1/chart-annotations lists (declared here: the annotations module reaches the users module and argon2). */
export interface ChartAnnotation {
  id: string;
  date: string;
  endDate?: string;
  kind: 'campaign' | 'note' | 'initiative' | 'anomaly';
  label: string;
  description?: string;
}

/** The annotations of [from, to] (ISO days, inclusive) for one chart (a KPI name), or for every chart. */
export function useAnnotations(from: string | undefined, to: string | undefined, chart?: string, version = 0) {
  const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(chart ? { chart } : {}) }).toString();
  return useData(from && to ? `chart-annotations:${query}:${version}` : null, (s) =>
    get<{ annotations: ChartAnnotation[] }>(`/api/v1/chart-annotations?${query}`, s).then((r) => r.annotations),
  );
}

const COLOUR: Record<ChartAnnotation['kind'], string> = { note: '#e8590c', campaign: '#e8590c', initiative: '#7048e8', anomaly: '#e03131' };

/**
 * markLine / markArea for a category time axis whose labels start with ISO days (`points`, sorted):
 * each annotation goes on the last point at or before its day; one before the first point or more
 * than a period after the last is off the chart.
 */
export function annotationMarks(list: ChartAnnotation[] | undefined, points: string[]): { markLine?: unknown; markArea?: unknown } {
  const days = points.map((p) => p.slice(0, 10));
  if (!list?.length || days.length === 0) return {};
  const step = days.length > 1 ? Date.parse(days[1]!) - Date.parse(days[0]!) : 86_400_000;
  const end = Date.parse(days[days.length - 1]!) + step;
  const at = (day: string): string | undefined => {
    if (day < days[0]! || Date.parse(day) >= end) return undefined;
    let found = 0;
    for (let i = 0; i < days.length && days[i]! <= day; i++) found = i;
    return points[found];
  };
  const lines = list
    .filter((a) => !a.endDate || a.endDate === a.date)
    .flatMap((a) => {
      const x = at(a.date);
      return x === undefined ? [] : [{ name: a.label, xAxis: x, lineStyle: { color: COLOUR[a.kind] }, annotation: a.id }];
    });
  const areas = list
    .filter((a) => a.endDate && a.endDate !== a.date)
    .flatMap((a) => {
      const x0 = at(a.date < days[0]! ? days[0]! : a.date);
      const x1 = at(Date.parse(a.endDate!) >= end ? days[days.length - 1]! : a.endDate!);
      return x0 === undefined || x1 === undefined ? [] : [[{ name: a.label, xAxis: x0 }, { xAxis: x1 }]];
    });
  return {
    ...(lines.length
      ? {
          markLine: {
            symbol: 'none',
            silent: true,
            animation: false,
            lineStyle: { type: 'dashed' },
            label: { formatter: '{b}', color: '#495057', fontSize: 10, position: 'insideEndTop' },
            data: lines,
          },
        }
      : {}),
    ...(areas.length
      ? {
          markArea: {
            silent: true,
            itemStyle: { color: 'rgba(112,72,232,0.07)' },
            label: { color: '#495057', fontSize: 10 },
            data: areas,
          },
        }
      : {}),
  };
}

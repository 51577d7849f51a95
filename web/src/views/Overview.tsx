/** Overview: KPI cards with sparklines and change vs the previous period, traffic by channel, daily trend with annotations. */
import { useMemo, useRef } from 'react';
import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDrill } from '../components/PeopleDrawer.tsx';
import type { AudienceSource } from '../../../src/audiences/definition.ts';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel, ErrorNote } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useSession, type Filters } from '../data.ts';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import type { KpiName, KpiReport, KpiSelection, KpiSet } from '../../../src/analysis/kpis.ts';
import type { DailyPoint as Point } from '../../../src/initiatives/methods/types.ts';
import { annotationMarks, useAnnotations } from '../components/annotations.ts';

type SeriesSet = Record<string, Point[]>;

const SERIES: Record<string, string> = {
  visitors: 'visitors',
  conversionRate: 'conversion_rate',
  revenue: 'revenue',
  averageOrderValue: 'aov',
  repeatPurchaseRate: 'repeat_rate',
  nps: 'nps',
  csat: 'csat',
};

/** One series per KPI card (the server's kpis/series), daily up to four months, weekly beyond. */
async function loadSeries(f: Filters, signal: AbortSignal): Promise<SeriesSet> {
  const days = (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 + 1;
  const interval = days > 120 ? 'week' : 'day';
  const entries = await Promise.all(
    Object.entries(SERIES).map(
      async ([card, metric]) =>
        [card, (await post<{ points: Point[] }>('/api/v1/kpis/series', { ...scopeBody(f), metric, interval }, signal)).points] as const,
    ),
  );
  return Object.fromEntries(entries);
}

type PersonMetric = KpiSelection['metric'];
// Money cards are net of refunds; `gross` names the figure shown beside them before refunds.
const CARDS: Array<{
  key: KpiName;
  label: string;
  fmt: (v: number | null) => string;
  people?: { metric: PersonMetric; label: string };
  gross?: KpiName;
}> = [
  { key: 'visitors', label: 'Visitors', fmt: fmtInt, people: { metric: 'visitors', label: 'Visitors' } },
  { key: 'conversionRate', label: 'Conversion rate', fmt: (v) => fmtPct(v, 2), people: { metric: 'buyers', label: 'Buyers' } },
  { key: 'revenue', label: 'Revenue', fmt: (v) => fmtMoney(v), gross: 'grossRevenue' },
  { key: 'averageOrderValue', label: 'Average order value', fmt: (v) => fmtMoney(v), gross: 'grossAverageOrderValue' },
  { key: 'repeatPurchaseRate', label: 'Repeat purchase rate', fmt: (v) => fmtPct(v) },
  { key: 'nps', label: 'NPS', fmt: (v) => fmtNum(v, 1) },
  { key: 'csat', label: 'CSAT (share 4–5 of 5)', fmt: (v) => fmtPct(v) },
];

/** Engagement as GA4 defines it (src/analysis/kpis.ts): a session is engaged when it lasts over 10 s, has 2+ page views or a conversion. */
const ENGAGEMENT: Array<{
  key: KpiName;
  label: string;
  fmt: (v: number | null) => string;
  people?: { metric: PersonMetric; label: string };
}> = [
  { key: 'sessions', label: 'Sessions', fmt: fmtInt },
  { key: 'interactionRate', label: 'Engaged sessions', fmt: (v) => fmtPct(v) },
  { key: 'bounceRate', label: 'Bounce rate', fmt: (v) => fmtPct(v) },
  { key: 'averageEngagementSeconds', label: 'Engagement per session', fmt: (v) => fmtSeconds(v) },
  { key: 'averageTimeOnPageSeconds', label: 'Time on page', fmt: (v) => fmtSeconds(v) },
  { key: 'newVisitors', label: 'New visitors', fmt: fmtInt, people: { metric: 'newVisitors', label: 'New visitors' } },
  {
    key: 'returningVisitors',
    label: 'Returning visitors',
    fmt: fmtInt,
    people: { metric: 'returningVisitors', label: 'Returning visitors' },
  },
];

function fmtSeconds(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return v < 60 ? `${Math.round(v)} s` : `${Math.floor(v / 60)} min ${String(Math.round(v % 60)).padStart(2, '0')} s`;
}

function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 0, right: 0, top: 4, bottom: 0 },
      xAxis: { type: 'category', show: false, data: values.map((_, i) => i) },
      yAxis: { type: 'value', show: false, scale: true },
      series: [
        {
          type: 'line',
          data: values,
          showSymbol: false,
          smooth: true,
          lineStyle: { width: 1.5, color: '#4c6ef5' },
          areaStyle: { color: 'rgba(76,110,245,0.12)' },
        },
      ],
    }),
    [values],
  );
  return <Chart option={option} height={40} label={label} />;
}

export function Overview() {
  const f = useFilters();
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const key = filtersKey(f);
  const kpis = useData(key, (s) => post<KpiReport>('/api/v1/kpis', scopeBody(f), s));
  const series = useData(key, (s) => loadSeries(f, s));
  const days = useMemo(() => {
    const v = series.data?.visitors ?? [];
    const rev = new Map((series.data?.revenue ?? []).map((p) => [p.date, p.value]));
    return v.map((p) => ({ day: p.date, visitors: p.value, revenue: rev.get(p.date) ?? 0 }));
  }, [series.data]);
  const prev = previousRange(f);
  const prevSeries = useData(f.compare ? `prev:${key}` : null, (sig) => {
    const days = (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 + 1;
    return post<{ points: Point[] }>(
      '/api/v1/kpis/series',
      { ...scopeBody({ ...f, ...prev }), metric: 'visitors', interval: days > 120 ? 'week' : 'day' },
      sig,
    ).then((r) => r.points);
  });
  const notes = useAnnotations(f.from, f.to);
  const drill = useDrill();
  const trendRef = useRef<ChartHandle>(null);
  const channelRef = useRef<ChartHandle>(null);

  const trend = useMemo<ChartOption>(() => {
    const d = days;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: d.map((x) => x.day) },
      yAxis: [
        { type: 'value', name: 'Visitors' },
        { type: 'value', name: cur, splitLine: { show: false } },
      ],
      series: [
        {
          name: 'Visitors',
          type: 'line',
          data: d.map((x) => x.visitors),
          showSymbol: false,
          ...annotationMarks(
            notes.data,
            d.map((x) => x.day),
          ),
        },
        // The previous period of equal length, day for day (its dates are in the tooltip's series name).
        ...(f.compare && prevSeries.data
          ? [
              {
                name: 'Visitors, previous period',
                type: 'line',
                data: d.map((_, i) => prevSeries.data![i]?.value ?? null),
                showSymbol: false,
                lineStyle: { type: 'dashed', color: '#adb5bd' },
                itemStyle: { color: '#adb5bd' },
              },
            ]
          : []),
        {
          name: 'Revenue',
          type: 'bar',
          yAxisIndex: 1,
          data: d.map((x) => Math.round(x.revenue * 100) / 100),
          itemStyle: { color: 'rgba(18,184,134,0.55)' },
        },
      ],
    };
  }, [days, notes.data, cur, f.compare, prevSeries.data]);

  const channels = useMemo(
    () =>
      (kpis.data?.byChannel ?? [])
        .map(
          (c) =>
            ({ channel: c.channel, ...Object.fromEntries(Object.entries(c.kpis).map(([k, v]) => [k, v])) }) as { channel: string } & KpiSet,
        )
        .sort((a, b) => (b.visitors?.value ?? 0) - (a.visitors?.value ?? 0)),
    [kpis.data],
  );
  type Row = (typeof channels)[number];
  const columns: DisplayColumn<Row>[] = [
    { key: 'channel', label: 'Channel', value: (r) => r.channel },
    { key: 'visitors', label: 'Visitors', numeric: true, value: (r) => r.visitors?.value, render: (r) => fmtInt(r.visitors?.value) },
    ...(f.compare
      ? [
          {
            key: 'visitors_change',
            label: 'Δ visitors',
            numeric: true,
            value: (r: Row) => r.visitors?.changeRelative,
            render: (r: Row) => <Change v={r.visitors?.changeRelative ?? null} />,
          },
        ]
      : []),
    {
      key: 'conversionRate',
      label: 'Conversion',
      numeric: true,
      value: (r) => r.conversionRate?.value,
      render: (r) => fmtPct(r.conversionRate?.value, 2),
    },
    { key: 'orders', label: 'Orders', numeric: true, value: (r) => r.orders?.value, render: (r) => fmtInt(r.orders?.value) },
    {
      key: 'revenue',
      label: `Revenue (${cur})`,
      numeric: true,
      value: (r) => r.revenue?.value,
      render: (r) => fmtMoney(r.revenue?.value, cur),
    },
    ...(f.compare
      ? [
          {
            key: 'revenue_change',
            label: 'Δ revenue',
            numeric: true,
            value: (r: Row) => r.revenue?.changeRelative,
            render: (r: Row) => <Change v={r.revenue?.changeRelative ?? null} />,
          },
        ]
      : []),
  ];
  const channelChart = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 16, top: 28, bottom: 24 },
      yAxis: { type: 'category', inverse: true, data: channels.map((c) => c.channel) },
      xAxis: { type: 'value' },
      series: [
        { name: 'This period', type: 'bar', data: channels.map((c) => c.visitors?.value ?? 0), itemStyle: { color: '#4c6ef5' } },
        ...(f.compare
          ? [
              {
                name: 'Previous period',
                type: 'bar',
                data: channels.map((c) => c.visitors?.previous ?? 0),
                itemStyle: { color: '#adb5bd' },
              },
            ]
          : []),
      ],
    }),
    [channels, f.compare],
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>Overview</Title>
      </Group>
      <FilterBar />
      {kpis.error ? (
        <ErrorNote error={kpis.error} />
      ) : (
        <>
          <KpiCards
            cards={CARDS}
            report={kpis.data}
            stale={kpis.stale}
            loading={kpis.loading}
            compare={f.compare}
            series={series.data}
            onPeople={(c) =>
              drill({
                title: `${c.label}, ${f.from} – ${f.to}`,
                source: kpiSource(f, { metric: c.metric }),
                count: kpiCount(kpis.data, c.metric),
              })
            }
          />
          <Title order={3} size="h5" mt="xs">
            Engagement
          </Title>
          <KpiCards
            cards={ENGAGEMENT}
            report={kpis.data}
            stale={kpis.stale}
            loading={kpis.loading}
            compare={f.compare}
            onPeople={(c) =>
              drill({
                title: `${c.label}, ${f.from} – ${f.to}`,
                source: kpiSource(f, { metric: c.metric }),
                count: kpiCount(kpis.data, c.metric),
              })
            }
          />
        </>
      )}
      <Panel
        title="Visitors and revenue over time"
        name="daily-trend"
        loading={series.loading && !series.data}
        stale={series.stale}
        error={series.error}
        empty={series.data && days.length === 0 && 'No events in this range: widen the dates.'}
        rows={days}
        columns={[
          { key: 'day', label: 'Day', value: (d: (typeof days)[number]) => d.day },
          { key: 'visitors', label: 'Visitors', value: (d: (typeof days)[number]) => d.visitors },
          { key: 'revenue', label: 'Revenue', value: (d: (typeof days)[number]) => d.revenue },
        ]}
        chart={trendRef}
      >
        <Chart ref={trendRef} option={trend} label="Visitors and revenue over time, with annotations marked" />
        {(notes.data?.length ?? 0) > 0 && (
          <Text size="xs" c="dimmed">
            Dashed lines mark annotations: notes and campaign launches, initiatives and anomaly alerts.
          </Text>
        )}
      </Panel>
      <Panel
        title="Traffic by channel"
        name="channels"
        loading={kpis.loading && !kpis.data}
        stale={kpis.stale}
        error={kpis.error}
        empty={channels.length === 0 && 'No channel traffic in this range.'}
        rows={channels}
        columns={columns}
        chart={channelRef}
      >
        <Chart ref={channelRef} option={channelChart} height={Math.max(200, channels.length * 34 + 50)} label="Visitors by channel" />
        <DataTable
          rows={channels}
          columns={columns}
          caption="channels"
          onRowClick={(r) =>
            drill({
              title: `Visitors through ${r.channel}, ${f.from} – ${f.to}`,
              source: kpiSource(f, { metric: 'visitors', channel: r.channel }),
              count: r.visitors?.value ?? undefined,
            })
          }
        />
        <Text size="xs" c="dimmed" data-testid="channel-note">
          {kpis.data
            ? `The rows add up to ${fmtInt(channels.reduce((a, c) => a + (c.visitors?.value ?? 0), 0))} against ${fmtInt(kpis.data.overall.visitors.value)} visitors: a person reached through several channels counts once in each. The channel filter keeps everyone ever reached through the chosen channels, with all their activity. Click a row for its people.`
            : ''}
        </Text>
      </Panel>
    </Stack>
  );
}

function kpiSource(f: Filters, selection: { metric: PersonMetric; channel?: string }): AudienceSource {
  return { kind: 'analysis', analysis: 'kpis', input: scopeBody(f), selection };
}
function kpiCount(r: KpiReport | undefined, metric: PersonMetric): number | undefined {
  return r?.overall[metric].value ?? undefined;
}

function KpiCards({
  cards,
  report,
  loading,
  stale,
  compare,
  series,
  onPeople,
}: {
  cards: typeof CARDS;
  report?: KpiReport;
  loading: boolean;
  stale: boolean;
  compare: boolean;
  series?: SeriesSet;
  onPeople: (c: { metric: PersonMetric; label: string }) => void;
}) {
  return (
    <SimpleGrid
      cols={{ base: 2, sm: 3, lg: 7 }}
      spacing="sm"
      aria-busy={loading || stale}
      className="wm-panel"
      data-stale={stale ? '1' : undefined}
    >
      {cards.map((c) => {
        const v = report?.overall[c.key];
        return (
          <Card key={c.key} withBorder p="sm" radius="md" data-testid={`kpi-${c.key}`} className="wm-panel-body">
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {c.label}
            </Text>
            <Text size="xl" fw={700} data-testid={`kpi-${c.key}-value`}>
              {loading && !report ? '…' : c.fmt(v?.value ?? null)}
            </Text>
            {c.gross && report && (
              <Text size="xs" c="dimmed" data-testid={`kpi-${c.key}-gross`}>
                net of refunds · gross {c.fmt(report.overall[c.gross]?.value ?? null)}
              </Text>
            )}
            {compare && (
              <Group gap={4}>
                <Change v={v?.changeRelative ?? null} />
                <Text size="xs" c="dimmed">
                  vs {c.fmt(v?.previous ?? null)}
                </Text>
              </Group>
            )}
            {(series?.[c.key]?.length ?? 0) > 1 && (
              <Sparkline values={series![c.key]!.map((p) => p.value)} label={`${c.label} over the range`} />
            )}
            {c.people && report && (
              <Anchor component="button" type="button" size="xs" onClick={() => onPeople(c.people!)} data-testid={`kpi-${c.key}-people`}>
                {c.people.metric === 'buyers' ? `${fmtInt(report.overall.buyers.value)} buyers` : 'See people'} →
              </Anchor>
            )}
          </Card>
        );
      })}
    </SimpleGrid>
  );
}

export function Change({ v }: { v: number | null }) {
  if (v === null || !Number.isFinite(v))
    return (
      <Badge variant="light" color="gray" size="sm">
        –
      </Badge>
    );
  return (
    <Badge
      variant="light"
      color={v >= 0 ? 'teal' : 'red'}
      size="sm"
      aria-label={`${v >= 0 ? 'up' : 'down'} ${Math.abs(v * 100).toFixed(1)} percent`}
    >
      {fmtChange(v)}
    </Badge>
  );
}

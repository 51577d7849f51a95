/** Funnels: builder (steps, window, order, exclusions, breakdown), conversion with drop-off, time to convert, drivers, trend. */
import { useMemo, useRef, useState } from 'react';
import { Button, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, TagsInput, Text, Title } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useEventNames } from '../data.ts';
import { useDrill } from '../components/PeopleDrawer.tsx';
import { fmtInt, fmtNum, fmtPct } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { FunnelResult, FunnelStepResult } from '../../../src/analysis/funnel.ts';
import type { DriverFactor, DropOffDriversResult as DriversResult } from '../../../src/analysis/drop-off-drivers.ts';
import { SegmentedField } from '../components/SegmentedField.tsx';
import { annotationMarks, useAnnotations } from '../components/annotations.ts';

export const DEFAULT_STEPS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
const BREAKDOWNS = [
  { value: '', label: 'None' },
  { value: 'channel', label: 'Channel' },
  { value: 'first_touch_channel', label: 'First-touch channel' },
  { value: 'device_type', label: 'Device' },
  { value: 'browser', label: 'Browser' },
  { value: 'campaign', label: 'Campaign' },
];

/** A change of a rate in percentage points. */
function fmtPP(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pp`;
}

function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${fmtNum(s / 3600, 1)} h`;
  return `${fmtNum(s / 86400, 1)} d`;
}

/** The funnel request of the URL state; shared with the journey map's drill-down. */
export function funnelRequest(params: URLSearchParams) {
  const steps = (params.get('steps') ?? DEFAULT_STEPS.join('|')).split('|').filter(Boolean);
  const bd = params.get('bd') ?? '';
  const exclusions = (params.get('excl') ?? '').split('|').filter(Boolean);
  return {
    steps,
    windowSeconds: Number(params.get('win') ?? 7) * 86400,
    order: (params.get('order') ?? 'ordered') as 'ordered' | 'strict' | 'any',
    exclusions: exclusions.map((event) => ({ event })),
    ...(bd ? { breakdown: bd === 'first_touch_channel' ? { kind: 'first_touch_channel' } : { kind: 'column', column: bd } } : {}),
    trend: 'week' as const,
  };
}

export function Funnels() {
  const f = useFilters();
  const { params } = useLocation();
  const req = funnelRequest(params);
  const events = useEventNames();
  const key = filtersKey(f) + JSON.stringify(req);
  const funnel = useData(key, (s) => post<FunnelResult>('/api/v1/funnels', { ...scopeBody(f), ...req }, s));
  // The same funnel over the previous period of equal length, for the comparison switch.
  const prevScope = scopeBody({ ...f, ...previousRange(f) });
  const previous = useData(f.compare ? `prev:${key}` : null, (s) => post<FunnelResult>('/api/v1/funnels', { ...prevScope, ...req }, s));
  const drill = useDrill();
  const stepPeople = (i: number, outcome: 'reached' | 'dropped') => {
    const st = funnel.data?.steps[i];
    if (!st || (outcome === 'dropped' && i === 0)) return;
    drill({
      title: outcome === 'reached' ? `Reached step ${i + 1}: ${st.name}` : `Dropped before step ${i + 1}: ${st.name}`,
      source: { kind: 'analysis', analysis: 'funnel', input: { ...scopeBody(f), ...req }, selection: { step: i + 1, outcome } },
      count: outcome === 'reached' ? st.count : st.dropped,
    });
  };
  const [driverStep, setDriverStep] = useState<number | null>(null);
  const lastDropStep = useMemo(() => {
    const st = funnel.data?.steps ?? [];
    let worst = 2;
    for (let i = 1; i < st.length; i++)
      if (st[i]!.conversion_rate_from_previous < st[worst - 1]!.conversion_rate_from_previous) worst = i + 1;
    return worst;
  }, [funnel.data]);
  const step = driverStep ?? lastDropStep;
  const drivers = useData(funnel.data && req.steps.length >= 2 ? key + step : null, (s) =>
    post<DriversResult>(
      '/api/v1/funnels/drivers',
      { ...scopeBody(f), funnel: { ...req, breakdown: undefined, trend: undefined }, step, limit: 15 },
      s,
    ),
  );
  const barRef = useRef<ChartHandle>(null);
  // Step labels share the chart's width: each gets its column less a gap, so on a phone they
  // are shortened (or reduced to the step number) instead of running into each other.
  const { ref: barBox, width: barWidth } = useElementSize();
  const ttcRef = useRef<ChartHandle>(null);
  const trendRef = useRef<ChartHandle>(null);
  const steps = funnel.data?.steps ?? [];

  const labelWidth = barWidth > 0 ? Math.min(110, Math.floor((barWidth - 72) / Math.max(1, steps.length)) - 12) : 110;
  const bar = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 30, bottom: labelWidth < 100 ? 52 : 40 },
      xAxis: {
        type: 'category',
        data: steps.map((s, i) => (labelWidth < 40 ? String(i + 1) : `${i + 1}. ${s.name}`)),
        // Narrow columns: smaller type wrapped on words (up to three lines), then cut.
        axisLabel:
          labelWidth < 100
            ? { interval: 0, width: Math.max(12, labelWidth), overflow: 'break', fontSize: 10, lineHeight: 12, hideOverlap: true }
            : { interval: 0, width: labelWidth, overflow: 'truncate', hideOverlap: true },
      },
      yAxis: { type: 'value' },
      series: [
        {
          name: 'Reached',
          type: 'bar',
          stack: 'f',
          data: steps.map((s) => s.count),
          itemStyle: { color: '#4c6ef5' },
          label: {
            show: true,
            position: 'inside',
            color: '#fff',
            formatter: (p: { dataIndex: number }) => fmtPct(steps[p.dataIndex]!.conversion_rate),
          },
        },
        { name: 'Dropped before this step', type: 'bar', stack: 'f', data: steps.map((s) => s.dropped), itemStyle: { color: '#ffa8a8' } },
      ],
    }),
    [steps, labelWidth],
  );
  const ttc = useMemo<ChartOption>(() => {
    const b = funnel.data?.time_to_convert ?? [];
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 40 },
      xAxis: {
        type: 'category',
        data: b.map((x) => `${duration(x.from_seconds)}–${duration(x.to_seconds)}`),
        axisLabel: { rotate: 30, fontSize: 10 },
      },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', name: 'Converted', data: b.map((x) => x.count), itemStyle: { color: '#12b886' } }],
    };
  }, [funnel.data]);
  const notes = useAnnotations(f.from, f.to);
  const trend = useMemo<ChartOption>(() => {
    const t = funnel.data?.trend ?? [];
    const p = previous.data?.trend ?? [];
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? fmtPct(v, 1) : '–') },
      legend: { top: 0, show: f.compare },
      grid: { left: 48, right: 16, top: f.compare ? 28 : 16, bottom: 28 },
      xAxis: { type: 'category', data: t.map((x) => x.period) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtPct(v, 0) } },
      series: [
        {
          type: 'line',
          name: 'This period',
          data: t.map((x) => x.conversion_rate),
          showSymbol: true,
          ...annotationMarks(
            notes.data,
            t.map((x) => x.period),
          ),
        },
        // Week for week: the k-th week of the previous period under the k-th week of this one.
        ...(f.compare
          ? [
              {
                type: 'line',
                name: 'Previous period',
                data: t.map((_, i) => p[i]?.conversion_rate ?? null),
                showSymbol: false,
                lineStyle: { type: 'dashed' },
                itemStyle: { color: '#adb5bd' },
              },
            ]
          : []),
      ],
    };
  }, [funnel.data, previous.data, f.compare, notes.data]);

  const stepCols: DisplayColumn<FunnelStepResult>[] = [
    { key: 'name', label: 'Step', value: (s) => s.name },
    { key: 'count', label: 'Reached', numeric: true, value: (s) => s.count, render: (s) => fmtInt(s.count) },
    {
      key: 'conversion_rate',
      label: 'Of step 1',
      numeric: true,
      value: (s) => s.conversion_rate,
      render: (s) => fmtPct(s.conversion_rate),
    },
    {
      key: 'conversion_rate_from_previous',
      label: 'From previous',
      numeric: true,
      value: (s) => s.conversion_rate_from_previous,
      render: (s) => fmtPct(s.conversion_rate_from_previous),
    },
    { key: 'dropped', label: 'Dropped', numeric: true, value: (s) => s.dropped, render: (s) => fmtInt(s.dropped) },
    {
      key: 'median_seconds_to_convert',
      label: 'Median time',
      numeric: true,
      value: (s) => s.median_seconds_to_convert,
      render: (s) => duration(s.median_seconds_to_convert),
    },
  ];
  const driverCols: DisplayColumn<DriverFactor>[] = [
    {
      key: 'label',
      label: 'Factor',
      value: (d) => [d.label, ...(d.same_as ?? [])].join(' · '),
      render: (d) => (
        <>
          {d.label}
          {d.same_as?.length ? (
            <Text span size="xs" c="dimmed">
              {' '}
              (same people: {d.same_as.join(', ')})
            </Text>
          ) : null}
        </>
      ),
    },
    {
      key: 'with',
      label: 'Units with it',
      numeric: true,
      value: (d) => d.converted_with + d.dropped_with,
      render: (d) => fmtInt(d.converted_with + d.dropped_with),
    },
    {
      key: 'cr_with',
      label: 'Conv. with',
      numeric: true,
      value: (d) => d.conversion_rate_with,
      render: (d) => fmtPct(d.conversion_rate_with),
    },
    {
      key: 'cr_without',
      label: 'Conv. without',
      numeric: true,
      value: (d) => d.conversion_rate_without,
      render: (d) => fmtPct(d.conversion_rate_without),
    },
    {
      key: 'odds_ratio',
      label: 'Odds ratio (95% CI)',
      numeric: true,
      value: (d) => d.odds_ratio,
      render: (d) => `${fmtNum(d.odds_ratio)} (${fmtNum(d.ci_low)}–${fmtNum(d.ci_high)})`,
    },
    {
      key: 'p_value',
      label: 'p',
      numeric: true,
      value: (d) => d.p_value,
      render: (d) => (d.p_value < 0.001 ? '<0.001' : fmtNum(d.p_value, 3)),
    },
    {
      key: 'q_value',
      label: 'q (BH)',
      numeric: true,
      value: (d) => d.q_value,
      render: (d) => (d.q_value < 0.001 ? '<0.001' : fmtNum(d.q_value, 3)),
    },
  ];
  const breakdownRows = funnel.data?.breakdown ?? [];

  return (
    <Stack gap="md">
      <Title order={2}>Funnels</Title>
      <FilterBar />
      <Group gap="sm" align="flex-end" wrap="wrap" role="group" aria-label="Funnel definition">
        <TagsInput
          label="Steps (in order)"
          size="xs"
          data={events.data ?? []}
          value={req.steps}
          onChange={(v) => setParams({ steps: v.join('|') })}
          w={460}
          maw="100%"
          clearable
        />
        <NumberInput
          label="Window (days)"
          size="xs"
          min={1}
          max={366}
          value={req.windowSeconds / 86400}
          onChange={(v) => setParams({ win: String(v || 7) })}
          w={110}
        />
        <SegmentedField
          label="Order"
          value={req.order}
          onChange={(v) => setParams({ order: v === 'ordered' ? undefined : v })}
          data={[
            { value: 'ordered', label: 'In order' },
            { value: 'strict', label: 'Strict' },
            { value: 'any', label: 'Any order' },
          ]}
        />
        <MultiSelect
          label="Exclude people who did"
          size="xs"
          data={events.data ?? []}
          value={req.exclusions.map((e) => e.event)}
          onChange={(v) => setParams({ excl: v.join('|') || undefined })}
          w={220}
          searchable
          clearable
        />
        <Select
          label="Breakdown"
          size="xs"
          data={BREAKDOWNS}
          value={params.get('bd') ?? ''}
          onChange={(v) => setParams({ bd: v || undefined })}
          w={170}
          allowDeselect={false}
        />
      </Group>
      <Panel
        title={`Conversion ${funnel.data ? fmtPct(funnel.data.conversion_rate, 2) : ''}${f.compare && previous.data ? ` (previous period ${fmtPct(previous.data.conversion_rate, 2)}, ${fmtPP(funnel.data ? funnel.data.conversion_rate - previous.data.conversion_rate : null)})` : ''}`}
        name="funnel"
        loading={funnel.loading && !funnel.data}
        stale={funnel.stale}
        error={funnel.error}
        empty={
          steps.length > 0 &&
          steps[0]!.count === 0 &&
          'Nobody did the first step in this range: pick another first step or widen the dates.'
        }
        rows={steps}
        columns={stepCols}
        chart={barRef}
      >
        <div ref={barBox}>
          <Chart
            ref={barRef}
            option={bar}
            height={300}
            label="Funnel steps: reached and dropped"
            onClick={(p) => {
              if (p.dataIndex > 0) setDriverStep(p.dataIndex + 1);
              stepPeople(p.dataIndex, p.seriesIndex === 1 ? 'dropped' : 'reached');
            }}
          />
        </div>
        <DataTable rows={steps} columns={stepCols} caption="funnel steps" onRowClick={(r) => stepPeople(steps.indexOf(r), 'reached')} />
        <Text size="xs" c="dimmed">
          Click a bar or a row for the people who reached the step; the pink part of a bar for those who dropped before it.
        </Text>
      </Panel>
      {breakdownRows.length > 0 && (
        <Panel
          title="Breakdown"
          name="funnel-breakdown"
          rows={breakdownRows}
          columns={[
            { key: 'value', label: 'Value', value: (r) => r.value },
            { key: 'entered', label: 'Entered', value: (r) => r.steps[0]?.count ?? 0 },
            { key: 'converted', label: 'Converted', value: (r) => r.steps[r.steps.length - 1]?.count ?? 0 },
            { key: 'conversion_rate', label: 'Conversion', value: (r) => r.conversion_rate },
          ]}
        >
          <DataTable
            rows={breakdownRows}
            caption="funnel breakdown"
            columns={[
              { key: 'value', label: 'Value', value: (r) => r.value },
              { key: 'entered', label: 'Entered', numeric: true, value: (r) => r.steps[0]?.count ?? 0 },
              { key: 'converted', label: 'Converted', numeric: true, value: (r) => r.steps[r.steps.length - 1]?.count ?? 0 },
              {
                key: 'conversion_rate',
                label: 'Conversion',
                numeric: true,
                value: (r) => r.conversion_rate,
                render: (r) => fmtPct(r.conversion_rate, 2),
              },
            ]}
          />
        </Panel>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Panel
          title="Time to convert"
          name="time-to-convert"
          loading={funnel.loading && !funnel.data}
          stale={funnel.stale}
          error={funnel.error}
          rows={funnel.data?.time_to_convert}
          columns={[
            { key: 'from_seconds', label: 'From (s)', value: (b) => b.from_seconds },
            { key: 'to_seconds', label: 'To (s)', value: (b) => b.to_seconds },
            { key: 'count', label: 'Converted', value: (b) => b.count },
          ]}
          chart={ttcRef}
          empty={(funnel.data?.time_to_convert.length ?? 1) === 0 && 'Nobody converted in this range.'}
        >
          <Chart ref={ttcRef} option={ttc} height={240} label="Distribution of time from first to last step" />
        </Panel>
        <Panel
          title="Conversion per week"
          name="funnel-trend"
          loading={funnel.loading && !funnel.data}
          stale={funnel.stale}
          error={funnel.error}
          rows={funnel.data?.trend}
          columns={[
            { key: 'period', label: 'Week', value: (t) => t.period },
            { key: 'started', label: 'Started', value: (t) => t.started },
            { key: 'converted', label: 'Converted', value: (t) => t.converted },
            { key: 'conversion_rate', label: 'Conversion', value: (t) => t.conversion_rate },
          ]}
          chart={trendRef}
        >
          <Chart ref={trendRef} option={trend} height={240} label="Funnel conversion per week" />
        </Panel>
      </SimpleGrid>
      <Panel
        title={drivers.data ? `Drop-off drivers: ${drivers.data.from_step} → ${drivers.data.to_step}` : 'Drop-off drivers'}
        name="drop-off-drivers"
        loading={drivers.loading}
        stale={drivers.stale}
        error={drivers.error}
        rows={drivers.data?.factors}
        columns={driverCols}
        empty={drivers.data?.factors.length === 0 && 'No factor is common enough to compare.'}
        actions={
          steps.length > 1 && (
            <Select
              size="xs"
              aria-label="Step to explain"
              w={200}
              data={steps.slice(1).map((s, i) => ({ value: String(i + 2), label: `Into step ${i + 2}: ${s.name}` }))}
              value={String(step)}
              onChange={(v) => v && setDriverStep(Number(v))}
              allowDeselect={false}
            />
          )
        }
      >
        {drivers.data && (
          <>
            <Text size="xs" c="dimmed">
              {fmtInt(drivers.data.converted)} converted, {fmtInt(drivers.data.dropped)} dropped. {drivers.data.note}
            </Text>
            <DataTable rows={drivers.data.factors} columns={driverCols} caption="drop-off drivers" />
          </>
        )}
      </Panel>
      <Group>
        <Button
          variant="subtle"
          size="xs"
          onClick={() => setParams({ steps: undefined, win: undefined, order: undefined, excl: undefined, bd: undefined })}
        >
          Reset funnel
        </Button>
      </Group>
    </Stack>
  );
}

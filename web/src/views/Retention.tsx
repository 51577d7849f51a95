/** Retention: cohort heatmap, recurring or unbounded, people or revenue. */
import { useMemo, useRef } from 'react';
import { Group, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useSession, useEventNames } from '../data.ts';
import { relativeTo, versusPrevious } from '../compare.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPoints } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { RetentionCohort as Cohort, RetentionResult } from '../../../src/analysis/retention.ts';
import { SegmentedField } from '../components/SegmentedField.tsx';
import { useDrill } from '../components/PeopleDrawer.tsx';

export function Retention() {
  const f = useFilters();
  const { params } = useLocation();
  const { project, shared } = useSession();
  const cohortEvent = params.get('cohort') ?? 'Order Completed';
  const returnEvent = params.get('return') ?? cohortEvent;
  const interval = params.get('int') ?? 'week';
  const mode = params.get('rmode') ?? 'recurring';
  const metric = params.get('metric') ?? 'persons';
  const periods = Number(params.get('periods') ?? 8);
  const events = useEventNames();
  const req = { cohortEvent, returnEvent, interval, mode, metric, periods };
  const data = useData(filtersKey(f) + JSON.stringify(req), (s) =>
    post<RetentionResult>('/api/v1/retention', { ...scopeBody(f), ...req }, s),
  );
  // The same cohorts over the previous period of equal length, for the comparison switch.
  const prevRange = previousRange(f);
  const previous = useData(f.compare ? `prev:${filtersKey(f)}${JSON.stringify(req)}` : null, (s) =>
    post<RetentionResult>('/api/v1/retention', { ...scopeBody({ ...f, ...prevRange }), ...req }, s),
  );
  const ref = useRef<ChartHandle>(null);
  // A cohort whose interval began before the range saw only part of its interval: left out, and said so.
  const all = data.data?.cohorts ?? [];
  const cohorts = all.filter((c) => c.start >= f.from);
  const partial = all.filter((c) => c.start < f.from);
  const cur = project.settings.reportingCurrency;
  const drill = useDrill();
  const revenue = metric === 'revenue';
  const cellValue = (c: Cohort, p: number) => (revenue ? (c.perPerson?.[p] ?? null) : c.percentages[p]!);
  const option = useMemo<ChartOption>(() => {
    const cells: Array<[number, number, number]> = [];
    cohorts.forEach((c, y) =>
      c.values.forEach((_, p) => {
        const v = cellValue(c, p);
        if (v !== null && v !== undefined) cells.push([p, y, Math.round(v * 100) / 100]);
      }),
    );
    // A robust scale: the 95th percentile of cells of cohorts with at least 5 members, so one tiny cohort cannot wash out the rest.
    const scaleCells = cells
      .filter((c) => (c[0] > 0 || revenue) && (cohorts[c[1]]?.size ?? 0) >= 5)
      .map((c) => c[2])
      .sort((a, b) => a - b);
    const max = Math.max(
      revenue ? 0.01 : 1,
      scaleCells.length ? scaleCells[Math.min(scaleCells.length - 1, Math.floor(scaleCells.length * 0.95))]! : 1,
    );
    return {
      tooltip: {
        formatter: (p: { value: [number, number, number] }) =>
          `${cohorts[p.value[1]]?.start} · period ${p.value[0]}: ${revenue ? `${fmtMoney(p.value[2], cur)} per member` : `${fmtNum(p.value[2], 1)}% (${fmtInt(cohorts[p.value[1]]?.values[p.value[0]] ?? 0)} people)`}`,
      },
      grid: { left: 130, right: 16, top: 10, bottom: 70 },
      xAxis: {
        type: 'category',
        name: `${interval}s after`,
        nameLocation: 'middle',
        nameGap: 28,
        data: Array.from({ length: periods }, (_, i) => String(i)),
      },
      yAxis: { type: 'category', inverse: true, data: cohorts.map((c) => `${c.start} (${fmtInt(c.size)})`) },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 200,
        inRange: { color: ['#f1f3f5', '#91a7ff', '#364fc7'] },
        text: [revenue ? 'more revenue' : 'more retained', 'less'],
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: true,
            fontSize: 10,
            formatter: (p: { value: [number, number, number] }) => (revenue ? fmtMoney(p.value[2], cur) : `${fmtNum(p.value[2], 0)}%`),
          },
        },
      ],
    };
  }, [cohorts, interval, periods, revenue, cur]);
  const cellPeople = (period: number, y: number) => {
    const c = cohorts[y];
    if (!c || revenue) return;
    drill({
      title: period === 0 ? `Cohort of ${c.start}` : `Cohort of ${c.start}, back in ${interval} ${period}`,
      source: {
        kind: 'analysis',
        analysis: 'retention',
        input: { ...scopeBody(f), ...req },
        selection: period === 0 ? { cohort: c.start } : { cohort: c.start, period },
      },
      count: period === 0 ? c.size : (c.values[period] ?? undefined),
    });
  };
  const csvCols = [
    { key: 'start', label: 'Cohort', value: (c: Cohort) => c.start },
    { key: 'size', label: 'Size', value: (c: Cohort) => c.size },
    ...Array.from({ length: periods }, (_, p) => ({
      key: `p${p}`,
      label: `Period ${p}`,
      value: (c: Cohort) => (revenue ? c.values[p] : c.values[p]),
    })),
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Retention</Title>
      <FilterBar />
      <Group gap="sm" align="flex-end" wrap="wrap" role="group" aria-label="Retention definition">
        <Select
          label="Cohort: first"
          size="xs"
          searchable
          data={events.data ?? [cohortEvent]}
          value={cohortEvent}
          onChange={(v) => v && setParams({ cohort: v })}
          w={190}
          allowDeselect={false}
        />
        <Select
          label="Came back to"
          size="xs"
          searchable
          data={events.data ?? [returnEvent]}
          value={returnEvent}
          onChange={(v) => v && setParams({ return: v })}
          w={190}
          allowDeselect={false}
        />
        <SegmentedField
          label="Interval"
          value={interval}
          onChange={(v) => setParams({ int: v })}
          data={['day', 'week', 'month'].map((v) => ({ value: v, label: v }))}
        />
        <NumberInput
          label="Periods"
          size="xs"
          min={2}
          max={52}
          value={periods}
          onChange={(v) => setParams({ periods: String(v || 6) })}
          w={80}
        />
        <SegmentedField
          label="Mode"
          value={mode}
          onChange={(v) => setParams({ rmode: v })}
          data={[
            { value: 'recurring', label: 'Recurring' },
            { value: 'unbounded', label: 'Unbounded' },
          ]}
        />
        <SegmentedField
          label="Measure"
          value={metric}
          onChange={(v) => setParams({ metric: v })}
          data={[
            { value: 'persons', label: 'People' },
            { value: 'revenue', label: 'Revenue' },
          ]}
        />
      </Group>
      <Panel
        title={revenue ? 'Revenue per cohort member' : 'Share of each cohort that came back'}
        name="retention"
        loading={data.loading && !data.data}
        stale={data.stale}
        error={data.error}
        empty={
          cohorts.length === 0 &&
          (partial.length > 0
            ? `The range holds only a partial first ${interval} (left out, ${fmtInt(partial.reduce((a, c) => a + c.size, 0))} people): widen the dates or pick a shorter interval.`
            : `Nobody did "${cohortEvent}" in this range: pick another cohort event or widen the dates.`)
        }
        rows={cohorts}
        columns={csvCols}
        chart={ref}
      >
        <Chart
          ref={ref}
          option={option}
          height={Math.max(260, cohorts.length * 28 + 100)}
          label="Cohort retention heatmap"
          onClick={(p) => cellPeople((p.value as number[])[0]!, (p.value as number[])[1]!)}
        />
        {partial.length > 0 && (
          <Text size="xs" c="dimmed" data-testid="retention-partial">
            Left out: the cohort of {partial.map((c) => c.start).join(', ')} ({fmtInt(partial.reduce((a, c) => a + c.size, 0))} people),
            whose {interval} began before the range, so only part of it was seen.
          </Text>
        )}
        {!revenue && (
          <Text size="xs" c="dimmed">
            {/* A shared link shows figures, not the people behind them. */}
            {shared ? '' : 'Click a cell for its people. '}Colours run up to the 95th percentile of cohorts with 5 or more members.
          </Text>
        )}
        {data.data && (
          <Text size="sm" data-testid="retention-average">
            Average:{' '}
            {data.data.average.map((a, i) => `P${i} ${a === null ? '–' : revenue ? fmtMoney(a, cur) : `${fmtNum(a, 1)}%`}`).join(' · ')}
          </Text>
        )}
        {data.data && f.compare && (
          <Text size="sm" c="dimmed" data-testid="retention-previous">
            {previous.data
              ? `Previous period (${prevRange.from} – ${prevRange.to}): ${data.data.average
                  .map((a, i) => {
                    const before = previous.data!.average[i];
                    // Period 0 is everyone by definition: its change says nothing.
                    if (i === 0 && !revenue) return null;
                    return `P${i}${versusPrevious(
                      true,
                      a,
                      before,
                      (v) => (revenue ? fmtMoney(v, cur) : `${fmtNum(v, 1)}%`),
                      revenue ? relativeTo(before) : (d) => fmtPoints(d / 100),
                    ).replace(' · previous period', '')}`;
                  })
                  .filter(Boolean)
                  .join(' · ')}`
              : 'Previous period: loading…'}
          </Text>
        )}
      </Panel>
    </Stack>
  );
}

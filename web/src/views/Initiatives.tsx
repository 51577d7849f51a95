/** Initiatives: the list, and a report with the actual KPI against its counterfactual. */
import { useMemo, useRef } from 'react';
import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { get } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtChange, fmtMoney, fmtNum, fmtPct, fmtPoints } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { Initiative } from '../../../src/initiatives/initiatives.ts';
import type { InitiativeReport } from '../../../src/initiatives/initiative-report.ts';
import type { IntervalEstimate as Interval } from '../../../src/initiatives/methods/types.ts';
import { annotationMarks, useAnnotations } from '../components/annotations.ts';

const kpiName = (k: Initiative['kpi']) => (typeof k === 'string' ? k.replace(/_/g, ' ') : `${k.from} → ${k.to}`);
const interval = (v: Interval | null, f: (x: number) => string) => (v ? `${f(v.estimate)} (${f(v.low)} to ${f(v.high)})` : '–');

/** The KPI's business unit, from its name: a rate (percentages, lifts in points), money, or a score. */
function kpiUnit(name: string): 'rate' | 'money' | 'score' {
  if (name === 'revenue_per_visitor' || name === 'aov') return 'money';
  if (name === 'csat') return 'score';
  return 'rate';
}
/** A level of the KPI (chart axis, actual and counterfactual). */
function levelFormat(unit: 'rate' | 'money' | 'score', cur: string): (v: number) => string {
  return unit === 'rate' ? (v) => fmtPct(v, 1) : unit === 'money' ? (v) => fmtMoney(v, cur) : (v) => fmtNum(v, 2);
}
/** A change of the KPI: percentage points for rates, signed money, signed score. */
function changeFormat(unit: 'rate' | 'money' | 'score', cur: string): (v: number) => string {
  if (unit === 'rate') return (v) => fmtPoints(v, 2);
  if (unit === 'money') return (v) => `${v >= 0 ? '+' : '−'}${fmtMoney(Math.abs(v), cur)}`;
  return (v) => `${v >= 0 ? '+' : '−'}${fmtNum(Math.abs(v), 2)}`;
}

export function Initiatives() {
  const { params } = useLocation();
  const id = params.get('initiative');
  const list = useData('initiatives', (s) => get<{ initiatives: Initiative[] }>('/api/v1/initiatives', s).then((r) => r.initiatives));
  const cols: DisplayColumn<Initiative>[] = [
    { key: 'name', label: 'Initiative', value: (i) => i.name },
    { key: 'shippedAt', label: 'Shipped', value: (i) => i.shippedAt },
    { key: 'kpi', label: 'KPI', value: (i) => kpiName(i.kpi) },
    { key: 'stage', label: 'Stage', value: (i) => i.stage },
    { key: 'method', label: 'Method', value: (i) => i.method },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Initiatives</Title>
      {!id && (
        <Panel
          title="What changed, and when"
          name="initiatives"
          loading={list.loading}
          stale={list.stale}
          error={list.error}
          rows={list.data}
          columns={cols}
          empty={
            list.data?.length === 0 &&
            'No initiatives yet. Record one with `waymark initiatives add` or POST /api/v1/initiatives; its ship date then marks every time chart.'
          }
        >
          <DataTable rows={list.data ?? []} columns={cols} caption="initiatives" onRowClick={(i) => setParams({ initiative: i.id })} />
          <Text size="xs" c="dimmed">
            Choose a row for its report.
          </Text>
        </Panel>
      )}
      {id && <InitiativeReportView id={id} name={list.data?.find((i) => i.id === id)?.name ?? id} />}
    </Stack>
  );
}

function InitiativeReportView({ id, name }: { id: string; name: string }) {
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const report = useData(`initiative:${id}`, (s) => get<InitiativeReport>(`/api/v1/initiatives/${encodeURIComponent(id)}/report`, s));
  const ref = useRef<ChartHandle>(null);
  const r = report.data;
  const unit = kpiUnit(r?.kpi.name ?? '');
  const level = levelFormat(unit, cur);
  const change = changeFormat(unit, cur);
  const notes = useAnnotations(r?.chart[0]?.date.slice(0, 10), r?.chart[r.chart.length - 1]?.date.slice(0, 10));
  const option = useMemo<ChartOption>(() => {
    if (!r) return {};
    const c = r.chart;
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? level(v) : '–') },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: c.map((p) => p.date) },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => level(v) } },
      series: [
        {
          name: 'band low',
          type: 'line',
          data: c.map((p) => p.low),
          stack: 'band',
          lineStyle: { opacity: 0 },
          showSymbol: false,
          silent: true,
          tooltip: { show: false },
        },
        {
          name: `${Math.round(r.level * 100)}% interval`,
          type: 'line',
          data: c.map((p) => p.high - p.low),
          stack: 'band',
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(134,142,150,0.25)' },
          showSymbol: false,
          silent: true,
        },
        {
          name: 'Counterfactual',
          type: 'line',
          data: c.map((p) => p.counterfactual),
          showSymbol: false,
          lineStyle: { type: 'dashed', color: '#868e96' },
          itemStyle: { color: '#868e96' },
          // Other annotations of the period (this initiative's own ship date is the "shipped" line).
          ...annotationMarks(
            notes.data?.filter((a) => a.id !== `initiative:${id}`),
            c.map((p) => p.date),
          ),
        },
        {
          name: 'Actual',
          type: 'line',
          data: c.map((p) => p.actual),
          showSymbol: false,
          lineStyle: { color: '#4c6ef5', width: 2 },
          itemStyle: { color: '#4c6ef5' },
          markLine: {
            symbol: 'none',
            label: { formatter: 'shipped' },
            lineStyle: { color: '#e8590c' },
            data: [{ xAxis: r.periods.shipDate }],
          },
        },
      ],
    };
    // `level` follows `r` (its KPI) and the currency.
  }, [r, cur, notes.data, id]);
  return (
    <>
      <Group>
        <Button size="xs" variant="subtle" onClick={() => setParams({ initiative: undefined })}>
          ← All initiatives
        </Button>
        <Title order={3} size="h4">
          {name}
        </Title>
      </Group>
      {r && (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Card withBorder p="sm">
            <Text size="xs" c="dimmed">
              Lift per day ({r.kpi.name.replace(/_/g, ' ')})
            </Text>
            <Text fw={700} data-testid="lift-absolute">
              {change(r.lift.absolute.estimate)}
            </Text>
            <Text size="xs" data-testid="lift-interval">
              {change(r.lift.absolute.low)} to {change(r.lift.absolute.high)} · p {fmtNum(r.lift.absolute.pValue, 3)}
            </Text>
          </Card>
          <Card withBorder p="sm">
            <Text size="xs" c="dimmed">
              Relative lift
            </Text>
            <Text fw={700} data-testid="lift-relative">
              {r.lift.relative ? fmtChange(r.lift.relative.estimate) : '–'}
            </Text>
            <Text size="xs">{r.lift.relative ? `${fmtPct(r.lift.relative.low)} to ${fmtPct(r.lift.relative.high)}` : ''}</Text>
          </Card>
          <Card withBorder p="sm">
            <Text size="xs" c="dimmed">
              Incremental revenue
            </Text>
            <Text fw={700}>{interval(r.incrementalRevenue, (x) => fmtMoney(x, cur))}</Text>
          </Card>
          <Card withBorder p="sm">
            <Text size="xs" c="dimmed">
              ROI · payback
            </Text>
            <Text fw={700} data-testid="initiative-roi">
              {r.roi ? fmtPct(r.roi.estimate, 0) : '–'}
            </Text>
            <Text size="xs">{r.paybackDate ? `pays back ${r.paybackDate}` : 'no payback date'}</Text>
          </Card>
        </SimpleGrid>
      )}
      <Panel
        title="Actual against counterfactual"
        name="initiative-report"
        loading={report.loading}
        stale={report.stale}
        error={report.error}
        rows={r?.chart}
        columns={[
          { key: 'date', label: 'Date', value: (p) => p.date },
          { key: 'actual', label: 'Actual', value: (p) => p.actual },
          { key: 'counterfactual', label: 'Counterfactual', value: (p) => p.counterfactual },
          { key: 'low', label: 'Low', value: (p) => p.low },
          { key: 'high', label: 'High', value: (p) => p.high },
        ]}
        chart={ref}
      >
        <Chart ref={ref} option={option} height={320} label="The KPI per day, actual against the counterfactual without the initiative" />
        {r && (
          <Text size="xs" c="dimmed">
            {r.methodReason}. {r.kpi.numerator} per {r.kpi.denominator}.
          </Text>
        )}
      </Panel>
      {r && r.warnings.length + r.assumptions.length > 0 && (
        <Alert color="yellow" title="Read with care">
          {[...r.warnings, ...r.assumptions].map((w) => (
            <Text size="xs" key={w}>
              {w}
            </Text>
          ))}
        </Alert>
      )}
    </>
  );
}

/**
 * Budget: the marketing-mix model's ROI per channel with intervals, and the budget planner's
 * current vs recommended allocation with the expected gain (POST /api/v1/mmm, /api/v1/budget).
 */
import { useMemo, useRef, useState } from 'react';
import { Alert, Card, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ApiError, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtMoney, fmtNum } from '../format.ts';

/** An estimate with its 90% interval, as the MMM answers it. */
interface Estimate {
  mean: number;
  lo: number;
  hi: number;
}
/** POST /api/v1/mmm (the documented answer of the marketing-mix model). */
interface MmmReport {
  kpi: string;
  interval: number;
  channels: Array<{ channel: string; spend: number; contribution: Estimate; roi: Estimate; mroi: Estimate }>;
  baseline: Estimate;
  fit: { r2: number; mape: number };
}
/** POST /api/v1/budget. */
interface BudgetPlan {
  allocation: Array<{ channel: string; current: number; recommended: number }>;
  expected: { current: Estimate; recommended: Estimate };
}

const notBuilt = (e: unknown) => e instanceof ApiError && e.status === 404;

export function Budget() {
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const [total, setTotal] = useState<number>(50_000);
  const [days, setDays] = useState<number>(30);
  const mmm = useData('mmm:revenue', (s) => post<MmmReport>('/api/v1/mmm', { kpi: 'revenue' }, s));
  const plan = useData(mmm.data ? `budget:${total}:${days}` : null, (s) =>
    post<BudgetPlan>('/api/v1/budget', { kpi: 'revenue', total, days }, s),
  );
  const roiRef = useRef<ChartHandle>(null);
  const allocRef = useRef<ChartHandle>(null);
  const channels = mmm.data?.channels ?? [];

  const roiOption = useMemo<ChartOption>(() => {
    const names = channels.map((c) => c.channel);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['ROI', 'Marginal ROI'] },
      grid: { left: 110, right: 24, top: 30, bottom: 24 },
      yAxis: { type: 'category', inverse: true, data: names },
      xAxis: { type: 'value', name: 'revenue per 1 spent' },
      series: [
        {
          name: 'ROI',
          type: 'bar',
          data: channels.map((c) => round(c.roi.mean)),
          itemStyle: { color: '#4c6ef5' },
          markLine: {
            symbol: 'none',
            silent: true,
            data: [{ xAxis: 1 }],
            lineStyle: { color: '#e03131', type: 'dashed' },
            label: { formatter: 'break-even' },
          },
        },
        { name: 'Marginal ROI', type: 'bar', data: channels.map((c) => round(c.mroi.mean)), itemStyle: { color: '#91a7ff' } },
        // 90% intervals of ROI as whiskers.
        {
          name: 'ROI interval',
          type: 'custom',
          renderItem: (_: unknown, api: { value: (i: number) => number; coord: (v: [number, number]) => [number, number] }) => {
            const lo = api.coord([api.value(1), api.value(0)]);
            const hi = api.coord([api.value(2), api.value(0)]);
            return {
              type: 'group',
              children: [
                {
                  type: 'line',
                  shape: { x1: lo[0], y1: lo[1] - 6, x2: hi[0], y2: hi[1] - 6 },
                  style: { stroke: '#212529', lineWidth: 1.5 },
                },
              ],
            };
          },
          data: channels.map((c, i) => [i, round(c.roi.lo), round(c.roi.hi)]),
          encode: { y: 0, x: [1, 2] },
          tooltip: { show: false },
        },
      ],
    };
  }, [channels]);

  const allocOption = useMemo<ChartOption>(() => {
    const a = plan.data?.allocation ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 24, top: 30, bottom: 24 },
      yAxis: { type: 'category', inverse: true, data: a.map((x) => x.channel) },
      xAxis: { type: 'value', name: cur },
      series: [
        { name: 'Current', type: 'bar', data: a.map((x) => Math.round(x.current)), itemStyle: { color: '#adb5bd' } },
        { name: 'Recommended', type: 'bar', data: a.map((x) => Math.round(x.recommended)), itemStyle: { color: '#12b886' } },
      ],
    };
  }, [plan.data, cur]);

  const cols: DisplayColumn<MmmReport['channels'][number]>[] = [
    { key: 'channel', label: 'Channel', value: (c) => c.channel },
    { key: 'spend', label: `Spend (${cur})`, numeric: true, value: (c) => c.spend, render: (c) => fmtMoney(c.spend, cur) },
    {
      key: 'contribution',
      label: 'Incremental revenue (90% CI)',
      numeric: true,
      value: (c) => c.contribution.mean,
      render: (c) => `${fmtMoney(c.contribution.mean, cur)} (${fmtMoney(c.contribution.lo, cur)} – ${fmtMoney(c.contribution.hi, cur)})`,
    },
    {
      key: 'roi',
      label: 'ROI (90% CI)',
      numeric: true,
      value: (c) => c.roi.mean,
      render: (c) => `${fmtNum(c.roi.mean, 2)} (${fmtNum(c.roi.lo, 2)} – ${fmtNum(c.roi.hi, 2)})`,
    },
    { key: 'mroi', label: 'Marginal ROI', numeric: true, value: (c) => c.mroi.mean, render: (c) => fmtNum(c.mroi.mean, 2) },
  ];

  if (mmm.error && notBuilt(mmm.error)) {
    return (
      <Stack gap="md">
        <Title order={2}>Budget</Title>
        <Alert color="gray" title="The marketing-mix model is not on this server yet">
          The Budget view shows each paid channel's incremental ROI with its interval, the response to more or less spend, and a recommended
          split of a budget. It appears here once this server answers POST /api/v1/mmm and /api/v1/budget. Until then, Attribution & ROI
          shows who was touched, not who was persuaded.
        </Alert>
      </Stack>
    );
  }
  const gain = plan.data ? plan.data.expected.recommended.mean - plan.data.expected.current.mean : null;
  return (
    <Stack gap="md">
      <Title order={2}>Budget</Title>
      <Text size="sm" c="dimmed">
        From the marketing-mix model: what each channel's spend adds to revenue beyond what would have happened anyway, with 90% intervals.
        A channel whose interval crosses the break-even line may not pay back.
      </Text>
      {mmm.error ? <ErrorNote error={mmm.error} /> : null}
      <Panel
        title="Incremental ROI per channel"
        name="mmm-roi"
        loading={mmm.loading}
        stale={mmm.stale}
        error={mmm.error}
        chart={roiRef}
        rows={channels}
        columns={cols}
        empty={mmm.data && channels.length === 0 && 'No spend imported: upload spend in Settings.'}
      >
        <Chart
          ref={roiRef}
          option={roiOption}
          height={Math.max(200, channels.length * 44 + 60)}
          label="ROI and marginal ROI per channel with 90% intervals"
        />
        <DataTable rows={channels} columns={cols} caption="mmm channels" />
        {mmm.data && (
          <Text size="xs" c="dimmed">
            Model fit: R² {fmtNum(mmm.data.fit.r2, 2)}, mean absolute error {fmtNum(mmm.data.fit.mape * 100, 1)}% of daily revenue.
          </Text>
        )}
      </Panel>
      <Group gap="sm" align="flex-end" role="group" aria-label="Budget to plan">
        <NumberInput
          label={`Budget (${cur})`}
          size="xs"
          min={0}
          step={1000}
          thousandSeparator=","
          value={total}
          onChange={(v) => setTotal(Number(v) || 0)}
          w={160}
        />
        <NumberInput label="Over days" size="xs" min={1} max={365} value={days} onChange={(v) => setDays(Number(v) || 30)} w={100} />
      </Group>
      {plan.data && gain !== null && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Est label="Expected revenue, current split" e={plan.data.expected.current} cur={cur} />
          <Est label="Expected revenue, recommended split" e={plan.data.expected.recommended} cur={cur} />
          <Card withBorder p="sm" radius="md">
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Expected gain
            </Text>
            <Text size="xl" fw={700} c={gain >= 0 ? 'teal.8' : 'red.8'}>
              {gain >= 0 ? '+' : ''}
              {fmtMoney(gain, cur)}
            </Text>
          </Card>
        </SimpleGrid>
      )}
      <Panel
        title="Current vs recommended allocation"
        name="budget-allocation"
        loading={plan.loading}
        stale={plan.stale}
        error={plan.error}
        chart={allocRef}
        rows={plan.data?.allocation}
        columns={[
          { key: 'channel', label: 'Channel', value: (a: BudgetPlan['allocation'][number]) => a.channel },
          { key: 'current', label: 'Current', value: (a: BudgetPlan['allocation'][number]) => a.current },
          { key: 'recommended', label: 'Recommended', value: (a: BudgetPlan['allocation'][number]) => a.recommended },
        ]}
      >
        <Chart
          ref={allocRef}
          option={allocOption}
          height={Math.max(200, (plan.data?.allocation.length ?? 4) * 44 + 60)}
          label="Current and recommended spend per channel"
        />
      </Panel>
    </Stack>
  );
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function Est({ label, e, cur }: { label: string; e: Estimate; cur: string }) {
  return (
    <Card withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {fmtMoney(e.mean, cur)}
      </Text>
      <Text size="xs" c="dimmed">
        90% interval {fmtMoney(e.lo, cur)} – {fmtMoney(e.hi, cur)}
      </Text>
    </Card>
  );
}

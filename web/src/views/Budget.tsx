/**
 * Budget: the marketing-mix model's ROI per channel with intervals, each channel's response curve
 * with the daily spend range the data covered marked (past it the curve's shape is the prior's),
 * and the budget planner's current vs recommended allocation with the expected gain and its
 * interval (POST /api/v1/mmm, /api/v1/budget).
 */
import { useMemo, useRef, useState } from 'react';
import { Alert, Badge, Card, Group, List, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
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
/** One channel's steady-state daily response; `observed` is the daily spend the fit saw (7-day averages). */
interface Curve {
  channel: string;
  observed: { min: number; max: number; recent: number };
  points: Array<{ spend: number; kpi: Estimate; extrapolated: boolean }>;
}
/** POST /api/v1/mmm (the documented answer of the marketing-mix model). */
interface MmmReport {
  kpi: string;
  interval: number;
  channels: Array<{
    channel: string;
    spend: number;
    contribution: Estimate;
    roi: Estimate;
    mroi: Estimate;
    /** The ROI prior: the default, the user's, or one from measured lifts; weight = share of the posterior it decides. */
    prior: { mean: number; sd: number; source: 'default' | 'user' | 'lift'; weight: number; lifts: Array<{ label: string }> };
  }>;
  baseline: Estimate;
  fit: { r2: number; mape: number; wape: number };
  curves: Curve[];
}
/** POST /api/v1/budget. */
interface BudgetPlan {
  allocation: Array<{
    channel: string;
    current: number;
    recommended: number;
    currentDaily: number;
    recommendedDaily: number;
    extrapolated: boolean;
  }>;
  expected: { current: Estimate; recommended: Estimate; gain: Estimate };
  days: number;
  testNext: { channel: string; valueOfInformation: number } | null;
  notes: string[];
}
type Allocation = BudgetPlan['allocation'][number];
/** POST /api/v1/roi/reconcile: attribution's credit, the MMM's ROI and measured lifts, side by side per channel. */
interface EvidenceReport {
  model: string;
  channels: Array<{
    channel: string;
    spend: number;
    attribution: { model: string; revenue: number; conversions: number; roas: number | null } | null;
    mmm: { roi: Estimate; contribution: Estimate } | null;
    lifts: Array<{ source: string; label: string; roi: Estimate }>;
    disagreements: string[];
  }>;
  notes: string[];
}
type EvidenceRow = EvidenceReport['channels'][number];
const fmtInterval = (e: Estimate) => `${fmtNum(e.mean, 2)} (${fmtNum(e.lo, 2)} – ${fmtNum(e.hi, 2)})`;

const PRIOR_SOURCE = { default: 'default', user: 'set by hand', lift: 'from lift tests' } as const;

const notBuilt = (e: unknown) => e instanceof ApiError && e.status === 404;

export function Budget() {
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const [typedTotal, setTotal] = useState<number | null>(null);
  const [days, setDays] = useState<number>(30);
  const mmm = useData('mmm:revenue', (s) => post<MmmReport>('/api/v1/mmm', { kpi: 'revenue', curves: true }, s));
  const curves = mmm.data?.curves ?? [];
  // Until a budget is typed, plan the current one: the last 30 days' daily spend over the period.
  const currentTotal = Math.round(curves.reduce((s, c) => s + c.observed.recent, 0) * days);
  const total = typedTotal ?? currentTotal;
  const plan = useData(mmm.data && total > 0 ? `budget:${total}:${days}` : null, (s) =>
    post<BudgetPlan>('/api/v1/budget', { kpi: 'revenue', total, days }, s),
  );
  // Fetched after the MMM: it reuses the same cached fit instead of sampling a second time.
  const evidence = useData(mmm.data ? 'roi-reconcile:revenue' : null, (s) =>
    post<EvidenceReport>('/api/v1/roi/reconcile', { kpi: 'revenue', model: 'markov' }, s),
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
    {
      key: 'prior',
      label: 'ROI prior (weight in the answer)',
      value: (c) => `${c.prior.source} ${c.prior.mean} ± ${c.prior.sd}; weight ${c.prior.weight}`,
      render: (c) =>
        `${PRIOR_SOURCE[c.prior.source]}${c.prior.source === 'lift' ? ` (${c.prior.lifts.map((l) => l.label).join(', ')})` : ''}: ${fmtNum(c.prior.mean, 2)} ± ${fmtNum(c.prior.sd, 2)}; weight ${Math.round(c.prior.weight * 100)}%`,
    },
  ];
  const evidenceCols: DisplayColumn<EvidenceRow>[] = [
    { key: 'channel', label: 'Channel', value: (r) => r.channel },
    { key: 'spend', label: `Spend (${cur})`, numeric: true, value: (r) => r.spend, render: (r) => fmtMoney(r.spend, cur) },
    {
      key: 'roas',
      label: 'Attribution ROAS (touches)',
      numeric: true,
      value: (r) => r.attribution?.roas ?? null,
      render: (r) => (r.attribution?.roas == null ? '–' : fmtNum(r.attribution.roas, 2)),
    },
    {
      key: 'mmm',
      label: 'MMM ROI (90% CI)',
      numeric: true,
      value: (r) => r.mmm?.roi.mean ?? null,
      render: (r) => (r.mmm ? fmtInterval(r.mmm.roi) : '–'),
    },
    {
      key: 'lifts',
      label: 'Measured lifts (ROI, 90% CI)',
      value: (r) => r.lifts.map((l) => `${l.label}: ${fmtInterval(l.roi)}`).join('; '),
      render: (r) => (r.lifts.length === 0 ? 'none yet' : r.lifts.map((l) => `${l.label}: ${fmtInterval(l.roi)}`).join('; ')),
    },
    {
      key: 'agree',
      label: 'Evidence',
      value: (r) => r.disagreements.join('; '),
      render: (r) =>
        r.disagreements.length === 0 ? (
          <Badge color="teal" variant="light" size="sm">
            agrees
          </Badge>
        ) : (
          <Stack gap={2}>
            <Badge color="orange" variant="light" size="sm" data-testid="evidence-disagrees">
              disagrees
            </Badge>
            {r.disagreements.map((d) => (
              <Text key={d} size="xs" c="dimmed">
                {d}
              </Text>
            ))}
          </Stack>
        ),
    },
  ];
  const allocCols: DisplayColumn<Allocation>[] = [
    { key: 'channel', label: 'Channel', value: (a) => a.channel },
    { key: 'current', label: `Current (${cur})`, numeric: true, value: (a) => a.current, render: (a) => fmtMoney(a.current, cur) },
    {
      key: 'recommended',
      label: `Recommended (${cur})`,
      numeric: true,
      value: (a) => a.recommended,
      render: (a) => `${fmtMoney(a.recommended, cur)}${a.extrapolated ? ' *' : ''}`,
    },
    {
      key: 'change',
      label: 'Change',
      numeric: true,
      value: (a) => a.recommended - a.current,
      render: (a) => `${a.recommended >= a.current ? '+' : ''}${fmtMoney(a.recommended - a.current, cur)}`,
    },
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
  const gain = plan.data?.expected.gain ?? null;
  const recommendedDaily = new Map((plan.data?.allocation ?? []).map((a) => [a.channel, a]));
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
            Weight: how much of a channel&apos;s ROI interval its prior decides (100% = the data added nothing). Lift tests measured by
            Experiments and Initiatives, or entered by hand, become the prior of the channel they measured. Model fit: R²{' '}
            {fmtNum(mmm.data.fit.r2, 2)}, the daily error adds up to {fmtNum(mmm.data.fit.wape * 100, 1)}% of revenue (WAPE).
          </Text>
        )}
      </Panel>
      <Panel
        title="ROI evidence per channel: attribution, marketing-mix model, lift tests"
        name="roi-evidence"
        loading={evidence.loading || (mmm.loading && !evidence.data)}
        stale={evidence.stale}
        error={evidence.error}
        rows={evidence.data?.channels}
        columns={evidenceCols}
      >
        <Text size="xs" c="dimmed" mb="xs">
          Attribution credits the touches that preceded a sale ({evidence.data?.model ?? 'markov'} model); the marketing-mix model and lift
          tests measure the sales a channel caused. Where attribution&apos;s ROAS lies outside the model&apos;s interval, or a lift does not
          overlap it, the row is marked.
        </Text>
        {evidence.data && <DataTable rows={evidence.data.channels} columns={evidenceCols} caption="roi evidence" />}
      </Panel>
      {curves.length > 0 && (
        <Card withBorder radius="md" p="md" component="section" aria-label="Response curves" className="wm-panel">
          <Title order={3} size="h5" mb={4}>
            Response curves
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            Incremental revenue per day at a steady daily spend, with its 90% interval. The shaded band is the daily spend the data covered;
            past it (dashed) the curve's shape is the model's assumption, not a measurement. Grey line: the last 30 days' daily spend; green
            line: the recommended plan's.
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {curves.map((c, i) => (
              <ResponseCurveChart key={c.channel} curve={c} index={i} cur={cur} plan={recommendedDaily.get(c.channel)} />
            ))}
          </SimpleGrid>
        </Card>
      )}
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
        {typedTotal === null && currentTotal > 0 && (
          <Text size="xs" c="dimmed">
            the current budget: the last 30 days' spend rate over {days} days
          </Text>
        )}
      </Group>
      {plan.data && gain && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Est label="Expected revenue, current split" e={plan.data.expected.current} cur={cur} testId="budget-current" />
          <Est label="Expected revenue, recommended split" e={plan.data.expected.recommended} cur={cur} testId="budget-recommended" />
          <Card withBorder p="sm" radius="md" data-testid="budget-gain">
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              Expected gain
            </Text>
            <Text size="xl" fw={700} c={gain.mean >= 0 ? 'teal.8' : 'red.8'} data-testid="budget-gain-mean">
              {gain.mean >= 0 ? '+' : ''}
              {fmtMoney(gain.mean, cur)}
            </Text>
            <Text size="xs" c="dimmed" data-testid="budget-gain-interval">
              90% interval {fmtMoney(gain.lo, cur)} – {fmtMoney(gain.hi, cur)}
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
        columns={allocCols}
      >
        <Chart
          ref={allocRef}
          option={allocOption}
          height={Math.max(200, (plan.data?.allocation.length ?? 4) * 44 + 60)}
          label="Current and recommended spend per channel"
        />
        {plan.data && <DataTable rows={plan.data.allocation} columns={allocCols} caption="budget allocation" />}
        {plan.data && (plan.data.notes.length > 0 || plan.data.testNext) && (
          <List size="xs" c="dimmed" mt="xs" data-testid="budget-notes">
            {plan.data.testNext && (
              <List.Item>
                Test next: {plan.data.testNext.channel} (knowing its ROI is worth {fmtMoney(plan.data.testNext.valueOfInformation, cur)} of
                expected revenue in this plan).
              </List.Item>
            )}
            {plan.data.notes.map((n) => (
              <List.Item key={n}>{n}</List.Item>
            ))}
          </List>
        )}
      </Panel>
    </Stack>
  );
}

/** One channel's response curve: mean with its interval band, the observed range shaded, current and recommended daily spend marked. */
function ResponseCurveChart({ curve, index, cur, plan }: { curve: Curve; index: number; cur: string; plan: Allocation | undefined }) {
  const ref = useRef<ChartHandle>(null);
  const option = useMemo<ChartOption>(() => {
    const pts = curve.points;
    const inRange = pts.map((p) => [round(p.spend), p.extrapolated ? null : round(p.kpi.mean)]);
    // The dashed part starts at the last measured point so the line is continuous.
    const firstOut = pts.findIndex((p) => p.extrapolated);
    const outRange = pts.map((p, i) => [round(p.spend), firstOut >= 0 && i >= firstOut - 1 ? round(p.kpi.mean) : null]);
    const marks: Array<{ xAxis: number; name: string; lineStyle: { color: string } }> = [
      { xAxis: round(curve.observed.recent), name: 'now', lineStyle: { color: '#868e96' } },
    ];
    if (plan) marks.push({ xAxis: round(plan.recommendedDaily), name: 'plan', lineStyle: { color: '#12b886' } });
    return {
      title: { text: `${curve.channel}: revenue per day`, left: 0, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 36, bottom: 36 },
      xAxis: { type: 'value', name: `${cur}/day`, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value' },
      series: [
        {
          name: 'lo',
          type: 'line',
          data: pts.map((p) => [round(p.spend), round(p.kpi.lo)]),
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          tooltip: { show: false },
        },
        {
          name: '90% interval',
          type: 'line',
          data: pts.map((p) => [round(p.spend), round(p.kpi.hi - p.kpi.lo)]),
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(76,110,245,0.15)' },
          tooltip: { show: false },
        },
        {
          name: 'Expected',
          type: 'line',
          data: inRange,
          symbol: 'none',
          lineStyle: { color: '#4c6ef5', width: 2 },
          markArea: {
            silent: true,
            itemStyle: { color: 'rgba(18,184,134,0.10)' },
            data: [[{ xAxis: round(curve.observed.min), name: 'observed' }, { xAxis: round(curve.observed.max) }]],
            label: { position: 'insideTop', fontSize: 10 },
          },
          markLine: { symbol: 'none', silent: true, data: marks, label: { show: false } },
        },
        { name: 'Extrapolated', type: 'line', data: outRange, symbol: 'none', lineStyle: { color: '#4c6ef5', width: 2, type: 'dashed' } },
      ],
    };
  }, [curve, cur, plan]);
  return (
    <div data-testid={`curve-${index}`}>
      <Chart ref={ref} option={option} height={220} label={`Response curve of ${curve.channel}`} />
      <Text size="xs" c="dimmed" data-testid={`curve-${index}-observed`}>
        {curve.channel}: observed {fmtMoney(curve.observed.min, cur)} – {fmtMoney(curve.observed.max, cur)} a day (7-day averages); last 30
        days {fmtMoney(curve.observed.recent, cur)} a day
        {plan ? `; recommended ${fmtMoney(plan.recommendedDaily, cur)} a day` : ''}
      </Text>
    </div>
  );
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function Est({ label, e, cur, testId }: { label: string; e: Estimate; cur: string; testId: string }) {
  return (
    <Card withBorder p="sm" radius="md" data-testid={testId}>
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

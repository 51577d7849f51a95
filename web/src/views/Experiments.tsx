/** Experiments: configured and discovered tests; a report with exposure balance (SRM) and each metric's uplift. */
import { useMemo, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct, fmtPoints } from '../format.ts';
import { useDrill } from '../components/PeopleDrawer.tsx';
import { setParams, useLocation } from '../url-state.ts';
import type { ExperimentReport } from '../../../src/experiments/experiment-report.ts';
import type { DiscoveredExperiment } from '../../../src/experiments/exposures.ts';

/** The experiments route marks which discovered ids already have a configuration. */
type Discovered = DiscoveredExperiment & { configured: boolean };

export function Experiments() {
  const { params } = useLocation();
  const s = useSession();
  const id = params.get('experiment');
  const found = useData('discovered', (sig) =>
    get<{ experiments: Discovered[] }>('/api/v1/experiments/discovered', sig).then((r) => r.experiments),
  );
  const [msg, setMsg] = useState('');
  const setUp = async (d: Discovered) => {
    try {
      const share = 1 / d.variations.length;
      await post('/api/v1/experiments', {
        id: d.experimentId,
        name: d.experimentId,
        variations: d.variations.map((v) => ({ id: v.id, name: v.id, weight: share })),
        metrics: [
          { name: 'Purchase', kind: 'conversion' },
          { name: 'Revenue', kind: 'revenue' },
        ],
      });
      setParams({ experiment: d.experimentId });
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  const cols: DisplayColumn<Discovered>[] = [
    { key: 'experimentId', label: 'Experiment', value: (d) => d.experimentId },
    { key: 'persons', label: 'People', numeric: true, value: (d) => d.persons, render: (d) => fmtInt(d.persons) },
    { key: 'variations', label: 'Variations', value: (d) => d.variations.map((v) => v.id).join(', ') },
    { key: 'firstSeen', label: 'First seen', value: (d) => d.firstSeen.slice(0, 10) },
    { key: 'lastSeen', label: 'Last seen', value: (d) => d.lastSeen.slice(0, 10) },
    {
      key: 'configured',
      label: '',
      value: (d) => (d.configured ? 'configured' : ''),
      render: (d) =>
        d.configured ? (
          <Button size="compact-xs" onClick={() => setParams({ experiment: d.experimentId })}>
            Report
          </Button>
        ) : (
          <Button size="compact-xs" variant="default" disabled={s.user.role === 'viewer'} onClick={() => setUp(d)}>
            Set up with purchase and revenue
          </Button>
        ),
    },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Experiments</Title>
      {!id && (
        <Panel
          title="Experiments seen in the data"
          name="experiments"
          loading={found.loading}
          stale={found.stale}
          error={found.error}
          rows={found.data}
          columns={cols}
          empty={
            found.data?.length === 0 && 'No "Experiment Viewed" events yet. Send one per exposure with experiment_id and variation_id.'
          }
        >
          <DataTable rows={found.data ?? []} columns={cols} caption="experiments" />
          {msg && <Alert color="red">{msg}</Alert>}
        </Panel>
      )}
      {id && <ExperimentReportView id={id} />}
    </Stack>
  );
}

/** A metric's figure in its business unit: a rate as a percentage, revenue in the currency, counts as numbers. */
function metricValue(kind: string, v: number | null | undefined, cur: string): string {
  return kind === 'conversion' ? fmtPct(v, 2) : kind === 'revenue' ? fmtMoney(v, cur) : fmtNum(v, 2);
}
/** The difference from control in the same unit (percentage points for rates). */
function metricDiff(kind: string, v: number, cur: string): string {
  if (kind === 'conversion') return fmtPoints(v, 2);
  if (kind === 'revenue') return `${v >= 0 ? '+' : '−'}${fmtMoney(Math.abs(v), cur)}`;
  return `${v >= 0 ? '+' : '−'}${fmtNum(Math.abs(v), 2)}`;
}
const KIND_WORDS: Record<string, string> = { conversion: 'who converted', revenue: 'revenue per person', count: 'events per person' };

function ExperimentReportView({ id }: { id: string }) {
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const drill = useDrill();
  const report = useData(`experiment:${id}`, (s) => get<ExperimentReport>(`/api/v1/experiments/${encodeURIComponent(id)}/report`, s));
  const ref = useRef<ChartHandle>(null);
  const r = report.data;
  const varName = (vid: string) => {
    const i = r?.experiment.variations.findIndex((v) => v.id === vid) ?? -1;
    const v = i >= 0 ? r!.experiment.variations[i]! : undefined;
    const name = v?.name && v.name !== v.id ? v.name : i === 0 ? 'Control' : i > 0 ? `Variant ${String.fromCharCode(64 + i)}` : vid;
    return i === 0 || name === vid ? name : `${name} (${vid})`;
  };
  const metricLabel = (m: ExperimentReport['metrics'][number]) =>
    `${m.name}: ${KIND_WORDS[m.kind] ?? m.kind}, ${m.event}, ${fmtInt(m.windowDays)} days`;
  const exposed = (vid: string, persons: number) =>
    drill({
      title: `Exposed to ${varName(vid)} of ${r?.experiment.name || id}`,
      source: { kind: 'model', model: 'experiment-variation', params: { experiment: id, variation: vid } },
      count: persons,
    });
  /** Significant after the correction across metrics (frequentist), or a clear chance to win (Bayesian). */
  const significant = (x: { p_value?: number; p_value_adjusted?: number; chance_to_win?: number }) => {
    const alpha = r?.experiment.alpha ?? 0.05;
    if (x.chance_to_win !== undefined && x.p_value === undefined) return x.chance_to_win >= 1 - alpha || x.chance_to_win <= alpha;
    const p = x.p_value_adjusted ?? x.p_value;
    return p !== undefined && p < alpha;
  };
  const rows = useMemo(
    () =>
      r
        ? r.metrics.flatMap((m) =>
            m.report.results.map((x) => ({ metric: m.name, kind: m.kind, guardrail: m.guardrail, relative: m.report.relative, ...x })),
          )
        : [],
    [r],
  );
  type Row = (typeof rows)[number];
  /** One row per metric and variation: people, the metric's value, the difference from control. */
  const arms = useMemo(
    () =>
      r
        ? r.metrics.flatMap((m) => {
            const control = m.report.variations[0];
            return m.report.variations.map((v, i) => {
              const result = i === 0 ? undefined : m.report.results[i - 1];
              return {
                metric: m,
                id: v.name,
                n: v.n,
                mean: v.mean,
                diff: i === 0 || !control ? null : v.mean - control.mean,
                result,
              };
            });
          })
        : [],
    [r],
  );
  type Arm = (typeof arms)[number];
  const option = useMemo<ChartOption>(() => {
    const labels = rows.map((x) => `${x.metric} · ${varName(x.name)}`);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const x = rows[p.dataIndex]!;
          return `${labels[p.dataIndex]}<br/>uplift ${fmtChange(x.uplift.mean)} (${fmtChange(x.ci[0])} to ${fmtChange(x.ci[1])})`;
        },
      },
      grid: { left: 8, right: 24, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtPct(v, 0) } },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { width: 150, overflow: 'truncate' } },
      series: [
        {
          type: 'custom',
          renderItem: (_p: unknown, api: { value: (i: number) => number; coord: (v: [number, number]) => [number, number] }) => {
            const y = api.value(3);
            const [x0, yy] = api.coord([api.value(0), y]);
            const [x1] = api.coord([api.value(1), y]);
            const [xm] = api.coord([api.value(2), y]);
            // Colour only when the corrected test says so; otherwise grey, whatever side the interval leans to.
            const sig = api.value(4) === 1;
            const colour = !sig ? '#868e96' : api.value(2) > 0 ? '#099268' : '#e03131';
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: x0, y1: yy, x2: x1, y2: yy }, style: { stroke: colour, lineWidth: 3 } },
                { type: 'circle', shape: { cx: xm, cy: yy, r: 5 }, style: { fill: colour } },
              ],
            };
          },
          encode: { x: [0, 1, 2], y: 3 },
          data: rows.map((x, i) => [x.ci[0], x.ci[1], x.uplift.mean, i, significant(x) ? 1 : 0]),
          markLine: { symbol: 'none', silent: true, lineStyle: { color: '#adb5bd' }, data: [{ xAxis: 0 }] },
        },
      ],
    };
    // varName and significant read `r`, which `rows` follows.
  }, [rows]);
  /** Better or worse only when significant; "lower is better" metrics count a fall as better. */
  const verdict = (a: Arm): 'better' | 'worse' | 'no clear difference' | null => {
    if (!a.result) return null;
    if (!significant(a.result)) return 'no clear difference';
    const inverse = Boolean(r?.experiment.metrics.find((m) => m.name === a.metric.name)?.inverse);
    return a.result.uplift.mean > 0 !== inverse ? 'better' : 'worse';
  };
  const armCols: DisplayColumn<Arm>[] = [
    {
      key: 'metric',
      label: 'Metric',
      value: (a) => metricLabel(a.metric),
      // The name, with its definition on hover: the full wording would push the figures off screen.
      render: (a) => (
        <Text span inherit title={metricLabel(a.metric)}>
          {a.metric.name}
          {a.metric.guardrail && (
            <Badge size="xs" ml={4}>
              guardrail
            </Badge>
          )}
        </Text>
      ),
    },
    { key: 'variation', label: 'Variation', value: (a) => varName(a.id) },
    {
      key: 'people',
      label: 'People',
      numeric: true,
      value: (a) => a.n,
      render: (a) =>
        a.n > 0 ? (
          <UnstyledButton
            fz="sm"
            c="indigo.8"
            td="underline"
            aria-label={`People exposed to ${varName(a.id)} (${a.metric.name})`}
            onClick={() => exposed(a.id, a.n)}
          >
            {fmtInt(a.n)}
          </UnstyledButton>
        ) : (
          fmtInt(a.n)
        ),
    },
    { key: 'value', label: 'Value', numeric: true, value: (a) => a.mean, render: (a) => metricValue(a.metric.kind, a.mean, cur) },
    {
      key: 'diff',
      label: 'vs control',
      numeric: true,
      value: (a) => a.diff,
      render: (a) => (a.diff === null ? 'control' : metricDiff(a.metric.kind, a.diff, cur)),
    },
    {
      key: 'uplift',
      label: 'Uplift (interval)',
      numeric: true,
      value: (a) => a.result?.uplift.mean ?? null,
      render: (a) => (a.result ? `${fmtChange(a.result.uplift.mean)} (${fmtChange(a.result.ci[0])} to ${fmtChange(a.result.ci[1])})` : ''),
    },
    {
      key: 'p',
      label: r?.method === 'bayesian' ? 'Chance to win' : 'p (adjusted)',
      numeric: true,
      value: (a) => (a.result ? (a.result.p_value_adjusted ?? a.result.p_value ?? a.result.chance_to_win ?? null) : null),
      render: (a) =>
        !a.result
          ? ''
          : a.result.p_value === undefined
            ? fmtPct(a.result.chance_to_win ?? null, 0)
            : fmtNum(a.result.p_value_adjusted ?? a.result.p_value, 3),
    },
    {
      key: 'verdict',
      label: 'Verdict',
      value: (a) => verdict(a) ?? '',
      render: (a) => {
        const v = verdict(a);
        if (!v) return '';
        if (v === 'no clear difference')
          return (
            <Text span size="xs" c="dimmed">
              No clear difference
            </Text>
          );
        return (
          <Badge size="sm" color={v === 'better' ? 'teal' : 'red'}>
            {v === 'better' ? 'Better' : 'Worse'}
          </Badge>
        );
      },
    },
  ];
  const cols: DisplayColumn<Row>[] = [
    { key: 'metric', label: 'Metric', value: (x) => x.metric },
    { key: 'name', label: 'Variation', value: (x) => varName(x.name) },
    { key: 'uplift', label: 'Uplift', numeric: true, value: (x) => x.uplift.mean },
    { key: 'ci_low', label: 'CI low', numeric: true, value: (x) => x.ci[0] },
    { key: 'ci_high', label: 'CI high', numeric: true, value: (x) => x.ci[1] },
    { key: 'p', label: 'p (adjusted)', numeric: true, value: (x) => x.p_value_adjusted ?? x.p_value ?? null },
    { key: 'chance_to_win', label: 'Chance to win', numeric: true, value: (x) => x.chance_to_win ?? null },
  ];
  return (
    <>
      <Group>
        <Button size="xs" variant="subtle" onClick={() => setParams({ experiment: undefined })}>
          ← All experiments
        </Button>
        <Title order={3} size="h4">
          {r?.experiment.name || id}
        </Title>
      </Group>
      {r && (
        <Alert
          color={r.srm.mismatch ? 'red' : 'teal'}
          title={r.srm.mismatch ? 'Sample ratio mismatch: do not trust these results' : 'Exposure split as configured'}
          data-testid="experiment-split"
        >
          {r.exposures.variations.map((v, i) => (
            <span key={v.id}>
              {i > 0 && ' · '}
              {varName(v.id)}:{' '}
              <UnstyledButton
                fz="sm"
                td="underline"
                aria-label={`People exposed to ${varName(v.id)}`}
                data-testid={`exposed-${v.id}`}
                onClick={() => exposed(v.id, v.persons)}
              >
                {fmtInt(v.persons)}
              </UnstyledButton>{' '}
              people ({fmtPct(v.observedShare)} against {fmtPct(v.expectedShare)} planned)
            </span>
          ))}{' '}
          · split check p = {fmtNum(r.srm.pValue, 3)}
        </Alert>
      )}
      <Panel
        title="Variations against control"
        name="experiment-report"
        loading={report.loading}
        stale={report.stale}
        error={report.error}
        rows={rows}
        columns={cols}
        chart={ref}
      >
        <Chart
          ref={ref}
          option={option}
          height={Math.max(160, rows.length * 40 + 50)}
          label="Uplift of each variation on each metric with its interval"
        />
        <Text size="xs" c="dimmed">
          Coloured only where the difference holds after the correction across metrics ({r?.correction.replace(/-/g, ' ') ?? ''}, α ={' '}
          {fmtNum(r?.experiment.alpha ?? 0.05, 2)}); grey intervals are not conclusive.
        </Text>
        <DataTable rows={arms} columns={armCols} caption="experiment results" />
        <Text size="xs" c="dimmed">
          {r?.metrics.map((m) => metricLabel(m)).join(' · ')}
        </Text>
      </Panel>
      {r?.warnings.map((w) => (
        <Text size="xs" c="dimmed" key={w}>
          {w}
        </Text>
      ))}
    </>
  );
}

/** Experiments: configured and discovered tests; a report with exposure balance (SRM) and each metric's uplift. */
import { useMemo, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtInt, fmtNum, fmtPct } from '../format.ts';
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

function ExperimentReportView({ id }: { id: string }) {
  const report = useData(`experiment:${id}`, (s) => get<ExperimentReport>(`/api/v1/experiments/${encodeURIComponent(id)}/report`, s));
  const ref = useRef<ChartHandle>(null);
  const r = report.data;
  const rows = useMemo(
    () =>
      r
        ? r.metrics.flatMap((m) =>
            m.report.results.map((x) => ({ metric: m.name, guardrail: m.guardrail, relative: m.report.relative, ...x })),
          )
        : [],
    [r],
  );
  type Row = (typeof rows)[number];
  const option = useMemo<ChartOption>(() => {
    const labels = rows.map((x) => `${x.metric} · ${x.name}`);
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const x = rows[p.dataIndex]!;
          return `${labels[p.dataIndex]}<br/>uplift ${fmtPct(x.uplift.mean)} (${fmtPct(x.ci[0])} to ${fmtPct(x.ci[1])})`;
        },
      },
      grid: { left: 160, right: 24, top: 16, bottom: 32 },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtPct(v, 0) } },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [
        {
          type: 'custom',
          renderItem: (_p: unknown, api: { value: (i: number) => number; coord: (v: [number, number]) => [number, number] }) => {
            const y = api.value(3);
            const [x0, yy] = api.coord([api.value(0), y]);
            const [x1] = api.coord([api.value(1), y]);
            const [xm] = api.coord([api.value(2), y]);
            const colour = api.value(0) > 0 ? '#099268' : api.value(1) < 0 ? '#e03131' : '#495057';
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: x0, y1: yy, x2: x1, y2: yy }, style: { stroke: colour, lineWidth: 3 } },
                { type: 'circle', shape: { cx: xm, cy: yy, r: 5 }, style: { fill: colour } },
              ],
            };
          },
          encode: { x: [0, 1, 2], y: 3 },
          data: rows.map((x, i) => [x.ci[0], x.ci[1], x.uplift.mean, i]),
          markLine: { symbol: 'none', silent: true, lineStyle: { color: '#adb5bd' }, data: [{ xAxis: 0 }] },
        },
      ],
    };
  }, [rows]);
  const cols: DisplayColumn<Row>[] = [
    {
      key: 'metric',
      label: 'Metric',
      value: (x) => x.metric,
      render: (x) => (
        <>
          {x.metric} {x.guardrail && <Badge size="xs">guardrail</Badge>}
        </>
      ),
    },
    { key: 'name', label: 'Variation', value: (x) => x.name },
    {
      key: 'uplift',
      label: 'Uplift',
      numeric: true,
      value: (x) => x.uplift.mean,
      render: (x) => (x.relative ? fmtPct(x.uplift.mean) : fmtNum(x.uplift.mean)),
    },
    {
      key: 'ci_low',
      label: 'CI low',
      numeric: true,
      value: (x) => x.ci[0],
      render: (x) => (x.relative ? fmtPct(x.ci[0]) : fmtNum(x.ci[0])),
    },
    {
      key: 'ci_high',
      label: 'CI high',
      numeric: true,
      value: (x) => x.ci[1],
      render: (x) => (x.relative ? fmtPct(x.ci[1]) : fmtNum(x.ci[1])),
    },
    {
      key: 'p',
      label: 'p (adjusted)',
      numeric: true,
      value: (x) => x.p_value_adjusted ?? x.p_value ?? null,
      render: (x) => fmtNum(x.p_value_adjusted ?? x.p_value ?? null, 3),
    },
    {
      key: 'chance_to_win',
      label: 'Chance to win',
      numeric: true,
      value: (x) => x.chance_to_win ?? null,
      render: (x) => fmtPct(x.chance_to_win ?? null),
    },
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
        >
          {r.exposures.variations
            .map((v) => `${v.name || v.id}: ${fmtInt(v.persons)} (${fmtPct(v.observedShare)} vs ${fmtPct(v.expectedShare)} planned)`)
            .join(' · ')}{' '}
          · SRM p = {fmtNum(r.srm.pValue, 4)}
        </Alert>
      )}
      <Panel
        title="Uplift against control"
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
        <DataTable rows={rows} columns={cols} caption="experiment results" />
      </Panel>
      {r?.warnings.map((w) => (
        <Text size="xs" c="dimmed" key={w}>
          {w}
        </Text>
      ))}
    </>
  );
}

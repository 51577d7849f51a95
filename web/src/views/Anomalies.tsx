/**
 * KPI anomalies (POST /api/v1/anomalies): the series with its expected band from the seasonal
 * model, the days outside it with their size, probability and root cause, the alerts raised by
 * subscriptions, annotations on the chart (notes, campaign launches, initiatives, alerts) and
 * comments on the report.
 */
import { useMemo, useRef, useState } from 'react';
import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { Comments } from '../components/Comments.tsx';
import { annotationMarks, useAnnotations } from '../components/annotations.ts';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { Alert as AnomalyAlert, Anomaly, KpiAnomalies } from '../../../src/anomalies/anomalies.ts';
import type { RootCause } from '../../../src/anomalies/kpis.ts';

const KPIS = ['orders', 'revenue', 'gross_revenue', 'visitors', 'sessions'];
const KPI_LABELS: Record<string, string> = { revenue: 'revenue (net of refunds)', gross_revenue: 'gross revenue' };

export function Anomalies() {
  const { params } = useLocation();
  const { project, user } = useSession();
  const cur = project.settings.reportingCurrency;
  const kpi = params.get('kpi') ?? 'orders';
  const [version, setVersion] = useState(0);
  const [msg, setMsg] = useState('');
  const found = useData(`anomalies:${kpi}`, (s) =>
    post<{ from: string; to: string; kpis: KpiAnomalies[] }>('/api/v1/anomalies', { kpi }, s).then((r) => r.kpis[0]!),
  );
  const r = found.data;
  const from = r?.bands[0]?.date;
  const to = r?.bands[r.bands.length - 1]?.date;
  const notes = useAnnotations(from, to, kpi, version);
  const alerts = useData(`anomaly-alerts:${version}`, (s) =>
    get<{ alerts: AnomalyAlert[] }>('/api/v1/anomalies/alerts', s).then((x) => x.alerts),
  );
  const fmt = (v: number) =>
    kpi === 'revenue' || kpi === 'gross_revenue' ? fmtMoney(v, cur) : kpi.includes('>') ? fmtPct(v, 1) : fmtNum(v, 0);

  const ref = useRef<ChartHandle>(null);
  const option = useMemo<ChartOption>(() => {
    const b = r?.bands ?? [];
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['Actual', 'Expected', 'Anomaly'] },
      grid: { left: 56, right: 16, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: b.map((p) => p.date) },
      yAxis: { type: 'value', scale: true },
      series: [
        // The band: the lower bound, then the width stacked on it and filled.
        { name: 'Lower', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, data: b.map((p) => round(p.lower)) },
        {
          name: 'Band',
          type: 'line',
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: '#4c6ef5', opacity: 0.15 },
          data: b.map((p) => round(p.upper - p.lower)),
        },
        {
          name: 'Expected',
          type: 'line',
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#4c6ef5' },
          itemStyle: { color: '#4c6ef5' },
          data: b.map((p) => round(p.expected)),
        },
        {
          name: 'Actual',
          type: 'line',
          itemStyle: { color: '#212529' },
          data: b.map((p) => round(p.value)),
          ...annotationMarks(
            notes.data,
            b.map((p) => p.date),
          ),
        },
        {
          name: 'Anomaly',
          type: 'scatter',
          symbolSize: 10,
          itemStyle: { color: '#e03131' },
          data: b.map((p) => (p.anomaly ? round(p.value) : null)),
        },
      ],
    };
  }, [r, notes.data]);

  const anomalyCols: DisplayColumn<Anomaly>[] = [
    { key: 'date', label: 'Day', value: (a) => a.date },
    { key: 'value', label: 'Actual', numeric: true, value: (a) => a.value, render: (a) => fmt(a.value) },
    { key: 'expected', label: 'Expected', numeric: true, value: (a) => a.expected, render: (a) => fmt(a.expected) },
    {
      key: 'size',
      label: 'Change',
      numeric: true,
      value: (a) => a.relativeSize,
      // A percentage of next to nothing says nothing: the absolute change is shown instead.
      render: (a) => (Math.abs(a.expected) >= 0.5 ? fmtPct(a.relativeSize, 0) : `${a.size >= 0 ? '+' : ''}${fmt(a.size)}`),
    },
    { key: 'probability', label: 'Probability', numeric: true, value: (a) => a.probability, render: (a) => fmtPct(a.probability, 1) },
    {
      key: 'cause',
      label: 'Explained most by',
      value: (a) => (a.rootCauses[0] ? `${a.rootCauses[0].dimension} ${a.rootCauses[0].value}` : ''),
      render: (a) =>
        a.rootCauses[0] ? `${a.rootCauses[0].dimension}: ${a.rootCauses[0].value} (${fmtPct(a.rootCauses[0].shareOfChange, 0)})` : '–',
    },
  ];
  const causeRows: Array<RootCause & { date: string }> = (r?.anomalies ?? []).flatMap((a) =>
    a.rootCauses.map((c) => ({ ...c, date: a.date })),
  );
  const causeCols: DisplayColumn<RootCause & { date: string }>[] = [
    { key: 'date', label: 'Day', value: (c) => c.date },
    { key: 'dimension', label: 'Dimension', value: (c) => c.dimension },
    { key: 'value', label: 'Value', value: (c) => c.value },
    { key: 'actual', label: 'Actual', numeric: true, value: (c) => c.actual, render: (c) => fmtNum(c.actual, 1) },
    { key: 'baseline', label: 'Usual', numeric: true, value: (c) => c.baseline, render: (c) => fmtNum(c.baseline, 1) },
    { key: 'share', label: 'Share of the change', numeric: true, value: (c) => c.shareOfChange, render: (c) => fmtPct(c.shareOfChange, 0) },
  ];
  const alertCols: DisplayColumn<AnomalyAlert>[] = [
    { key: 'date', label: 'Day', value: (a) => a.date },
    { key: 'kpi', label: 'KPI', value: (a) => a.kpi },
    { key: 'value', label: 'Actual', numeric: true, value: (a) => a.value, render: (a) => fmtNum(a.value, 1) },
    { key: 'expected', label: 'Expected', numeric: true, value: (a) => a.expected, render: (a) => fmtNum(a.expected, 1) },
    { key: 'probability', label: 'Probability', numeric: true, value: (a) => a.probability, render: (a) => fmtPct(a.probability, 1) },
    { key: 'cause', label: 'Root cause', value: (a) => (a.rootCauses[0] ? `${a.rootCauses[0].dimension} ${a.rootCauses[0].value}` : '') },
  ];

  const [noteDate, setNoteDate] = useState('');
  const [noteLabel, setNoteLabel] = useState('');
  const act = async (fn: () => Promise<string>) => {
    try {
      setMsg(await fn());
      setVersion((v) => v + 1);
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  const canWrite = user.role !== 'viewer';

  return (
    <Stack gap="md">
      <Title order={2}>Anomalies</Title>
      <Text size="sm" c="dimmed">
        Each day is compared with what the seasonal model expected (weekday, time of year, holidays, recent level shifts). Days outside the
        band are anomalies; the root cause is the channel, device, region or persona whose change accounts for most of the day's change.
      </Text>
      <Group align="end">
        <Select
          label="KPI"
          size="xs"
          w={180}
          data={KPIS.map((k) => ({ value: k, label: KPI_LABELS[k] ?? k }))}
          value={KPIS.includes(kpi) ? kpi : null}
          onChange={(v) => v && setParams({ kpi: v })}
          allowDeselect={false}
        />
        {canWrite && (
          <Button
            size="xs"
            variant="default"
            onClick={() => void act(async () => (await post('/api/v1/anomalies/subscriptions', { kpi }), `Subscribed to ${kpi}`))}
          >
            Subscribe to alerts on {kpi}
          </Button>
        )}
      </Group>
      {msg && (
        <Text size="xs" role="status">
          {msg}
        </Text>
      )}
      <Panel
        title={`${kpi}: actual against the expected band`}
        name={`anomalies-${kpi}`}
        loading={found.loading}
        error={found.error}
        chart={ref}
        rows={r?.bands}
        columns={[
          { key: 'date', label: 'Day', value: (p: KpiAnomalies['bands'][number]) => p.date },
          { key: 'value', label: 'Actual', value: (p: KpiAnomalies['bands'][number]) => p.value },
          { key: 'expected', label: 'Expected', value: (p: KpiAnomalies['bands'][number]) => p.expected },
          { key: 'lower', label: 'Lower', value: (p: KpiAnomalies['bands'][number]) => p.lower },
          { key: 'upper', label: 'Upper', value: (p: KpiAnomalies['bands'][number]) => p.upper },
          { key: 'anomaly', label: 'Anomaly', value: (p: KpiAnomalies['bands'][number]) => (p.anomaly ? 1 : 0) },
        ]}
      >
        <Chart ref={ref} option={option} label={`${kpi} with its expected band`} />
        {r && (
          <Text size="xs" c="dimmed" data-testid="anomaly-components">
            Model: {r.components.weekly ? 'weekly' : 'no weekly'} and {r.components.yearly ? 'yearly' : 'no yearly'} seasonality
            {r.components.holidays.length ? `, holidays (${r.components.holidays.join(', ')})` : ''}
            {r.components.levelShifts.length ? `, level shifts on ${r.components.levelShifts.join(', ')}` : ''}.{' '}
            <span data-testid="anomaly-count">{fmtInt(r.anomalies.length)}</span> anomalies in the last {fmtInt(r.bands.length)} days.
          </Text>
        )}
        {canWrite && (
          <Group align="end" gap="xs">
            <TextInput
              label="Annotate day"
              placeholder="YYYY-MM-DD"
              size="xs"
              w={130}
              value={noteDate}
              onChange={(e) => setNoteDate(e.currentTarget.value)}
            />
            <TextInput label="Note" size="xs" w={240} value={noteLabel} onChange={(e) => setNoteLabel(e.currentTarget.value)} />
            <Button
              size="xs"
              variant="default"
              disabled={!noteDate || !noteLabel}
              onClick={() =>
                void act(async () => {
                  await post('/api/v1/chart-annotations', { date: noteDate, label: noteLabel, charts: [kpi] });
                  setNoteLabel('');
                  return `Annotated ${noteDate}`;
                })
              }
            >
              Add annotation
            </Button>
          </Group>
        )}
        {(notes.data ?? []).length > 0 && (
          <Text size="xs" data-testid="annotations">
            Annotations: {(notes.data ?? []).map((n) => `${n.date} ${n.label}`).join(' · ')}
          </Text>
        )}
      </Panel>
      <Panel
        title="Anomalies"
        name={`anomaly-list-${kpi}`}
        loading={found.loading}
        error={found.error}
        rows={r?.anomalies}
        columns={anomalyCols}
        empty={r && r.anomalies.length === 0 && 'No day in this period is outside the band.'}
      >
        <DataTable rows={r?.anomalies ?? []} columns={anomalyCols} caption="anomalies" />
      </Panel>
      <Panel
        title="Root causes"
        name={`anomaly-causes-${kpi}`}
        loading={found.loading}
        error={found.error}
        rows={causeRows}
        columns={causeCols}
        empty={r && causeRows.length === 0 && 'No anomaly to explain.'}
      >
        <DataTable rows={causeRows} columns={causeCols} caption="root causes" />
      </Panel>
      <Panel
        title="Alerts"
        name="anomaly-alerts"
        loading={alerts.loading}
        error={alerts.error}
        rows={alerts.data}
        columns={alertCols}
        actions={
          canWrite && (
            <Button
              size="compact-xs"
              variant="default"
              onClick={() =>
                void act(async () => {
                  const c = await post<{ alerts: unknown[] }>('/api/v1/anomalies/check', {});
                  return `Checked subscriptions: ${fmtInt(c.alerts?.length ?? 0)} new alerts`;
                })
              }
            >
              Check now
            </Button>
          )
        }
        empty={alerts.data && alerts.data.length === 0 && 'No alerts. Subscribe to a KPI to get them here and on webhooks.'}
      >
        <DataTable rows={alerts.data ?? []} columns={alertCols} caption="alerts" />
      </Panel>
      <Comments report="anomalies" />
    </Stack>
  );
}

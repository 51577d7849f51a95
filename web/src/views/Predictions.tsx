/** Predictions: customer lifetime value and churn risk (BG/NBD + Gamma-Gamma) with the holdout check, and propensity when the server has it. */
import { useMemo, useRef } from 'react';
import { Alert, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { useData, useFilters, useSession } from '../data.ts';
import { relativeTo, versusPrevious } from '../compare.ts';
import { setParams } from '../url-state.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import { navigate } from '../url-state.ts';
import type { CustomerPrediction, PredictionResult } from '../../../src/predictions/predict-customers.ts';
import type { PropensityModelResult, PropensityResult } from '../../../src/predictions/propensity.ts';
import { StatCard } from '../components/StatCard.tsx';

export function Predictions() {
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  // Models need history: the whole data range (the API's default period for this analysis).
  const clv = useData('predictions:clv', (s) => post<PredictionResult>('/api/v1/predictions/clv', { top: 20 }, s));
  const r = clv.data;
  // The previous period: the same models fitted on the history up to the start of the default
  // period (the last 30 days), so each headline figure shows what it was a period ago.
  const f = useFilters();
  const { dataRange, defaultPeriod } = useSession();
  const cutoff = defaultPeriod?.from;
  const before = useData(f.compare && cutoff && dataRange ? `predictions:clv:before:${cutoff}` : null, (s) =>
    post<PredictionResult>(
      '/api/v1/predictions/clv',
      { top: 1, from: `${dataRange!.first}T00:00:00.000Z`, to: `${cutoff}T00:00:00.000Z` },
      s,
    ),
  );
  const b = f.compare ? before.data : undefined;
  const versus = (now: number | undefined, then: number | undefined, fmt: (v: number) => string) =>
    f.compare && !b ? ' · previous period …' : versusPrevious(f.compare, now, then, fmt, relativeTo(then));
  const holdRef = useRef<ChartHandle>(null);
  const holdout = useMemo<ChartOption>(() => {
    const b = r?.holdout?.byFrequency ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 30, bottom: 40 },
      xAxis: {
        type: 'category',
        name: 'repeat purchases before the holdout',
        nameLocation: 'middle',
        nameGap: 26,
        data: b.map((x) => x.frequency),
      },
      yAxis: { type: 'value', name: 'purchases per customer' },
      series: [
        { name: 'Actual', type: 'bar', data: b.map((x) => Math.round(x.actual * 100) / 100), itemStyle: { color: '#adb5bd' } },
        { name: 'Predicted', type: 'bar', data: b.map((x) => Math.round(x.predicted * 100) / 100), itemStyle: { color: '#4c6ef5' } },
      ],
    };
  }, [r]);
  const open = (p: CustomerPrediction) => navigate(`/customer?person=${encodeURIComponent(p.personId)}`);
  const cols: DisplayColumn<CustomerPrediction>[] = [
    { key: 'person', label: 'Person', value: (p) => p.personId },
    {
      key: 'clv',
      label: `CLV (${cur}, ${r?.horizonDays ?? 365} days)`,
      numeric: true,
      value: (p) => p.clv,
      render: (p) => fmtMoney(p.clv, cur),
    },
    { key: 'churn', label: 'Churn risk', numeric: true, value: (p) => p.churnRisk, render: (p) => fmtPct(p.churnRisk, 0) },
    { key: 'orders', label: 'Repeat purchases', numeric: true, value: (p) => p.frequency, render: (p) => fmtInt(p.frequency) },
    {
      key: 'value',
      label: 'Average repeat order',
      numeric: true,
      value: (p) => p.monetaryValue,
      render: (p) => (p.frequency > 0 ? fmtMoney(p.monetaryValue, cur) : '–'),
    },
    {
      key: 'expected',
      label: 'Expected purchases',
      numeric: true,
      value: (p) => p.expectedPurchases,
      render: (p) => fmtNum(p.expectedPurchases, 1),
    },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Predictions</Title>
      <Text size="sm" c="dimmed">
        Fitted on every buyer's full history. Churn risk = 1 − the probability the customer is still active. The holdout check fits on the
        earlier part of the data and compares predicted with actual repeat purchases in the rest.
      </Text>
      <Switch
        size="xs"
        label={`Compare with the fit on data up to ${cutoff ?? 'a period earlier'} (previous period)`}
        checked={f.compare}
        onChange={(e) => setParams({ cmp: e.currentTarget.checked ? undefined : '0' })}
      />
      {clv.error ? (
        <ErrorNote error={clv.error} />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <StatCard
            className="stat-customers"
            label="Customers modelled"
            value={r ? fmtInt(r.customers) : '…'}
            note={r ? `${fmtInt(r.repeatCustomers)} bought more than once${versus(r.customers, b?.customers, fmtInt)}` : ''}
          />
          <StatCard
            className="stat-clv"
            label={`Total CLV, next ${r?.horizonDays ?? 365} days`}
            value={r ? fmtMoney(r.totals.clv, cur) : '…'}
            note={
              r
                ? `median ${fmtMoney(r.distributions.clv.median, cur)} per customer${versus(r.totals.clv, b?.totals.clv, (v) => fmtMoney(v, cur))}`
                : ''
            }
          />
          <StatCard
            className="stat-alive"
            label="Expected still active"
            value={r ? fmtInt(r.totals.expectedAlive) : '…'}
            note={
              r
                ? `${fmtPct(r.totals.expectedAlive / Math.max(1, r.customers), 0)} of customers${versus(r.totals.expectedAlive, b?.totals.expectedAlive, fmtInt)}`
                : ''
            }
          />
          <StatCard
            label="Holdout: predicted ÷ actual"
            value={r?.holdout?.ratio != null ? fmtNum(r.holdout.ratio, 2) : '–'}
            note={
              r?.holdout
                ? `${fmtNum(r.holdout.predicted, 0)} predicted vs ${fmtInt(r.holdout.actual)} actual purchases over ${r.holdout.days} days`
                : 'no holdout period'
            }
          />
        </SimpleGrid>
      )}
      {r?.holdout?.ratio != null && Math.abs(r.holdout.ratio - 1) > 0.2 && (
        <Alert color="yellow" title="The model misses the holdout by more than 20%">
          Treat individual CLVs as rankings rather than amounts until more history accumulates.
        </Alert>
      )}
      <Panel
        title="Holdout check: repeat purchases per customer"
        name="clv-holdout"
        loading={clv.loading}
        error={clv.error}
        chart={holdRef}
        empty={r && !r.holdout && 'Not enough history for a holdout period.'}
        rows={r?.holdout?.byFrequency}
        columns={[
          {
            key: 'frequency',
            label: 'Repeat purchases before',
            value: (b: NonNullable<PredictionResult['holdout']>['byFrequency'][number]) => b.frequency,
          },
          {
            key: 'customers',
            label: 'Customers',
            value: (b: NonNullable<PredictionResult['holdout']>['byFrequency'][number]) => b.customers,
          },
          { key: 'actual', label: 'Actual', value: (b: NonNullable<PredictionResult['holdout']>['byFrequency'][number]) => b.actual },
          {
            key: 'predicted',
            label: 'Predicted',
            value: (b: NonNullable<PredictionResult['holdout']>['byFrequency'][number]) => b.predicted,
          },
        ]}
      >
        <Chart ref={holdRef} option={holdout} label="Predicted against actual repeat purchases in the holdout period" />
      </Panel>
      <Panel title="Highest lifetime value" name="top-clv" loading={clv.loading} error={clv.error} rows={r?.topByClv} columns={cols}>
        <DataTable rows={r?.topByClv ?? []} columns={cols} caption="top CLV" onRowClick={open} />
      </Panel>
      <Panel
        title="Most likely to churn (repeat buyers)"
        name="top-churn"
        loading={clv.loading}
        error={clv.error}
        rows={r?.topChurnRisk}
        columns={cols}
      >
        <DataTable rows={r?.topChurnRisk ?? []} columns={cols} caption="top churn risk" onRowClick={open} />
      </Panel>
      <Propensity />
    </Stack>
  );
}

/** Propensity to buy and to churn (POST /api/v1/predictions/propensity), with its holdout AUC. */
function Propensity() {
  const p = useData('predictions:propensity', (s) => post<PropensityResult>('/api/v1/predictions/propensity', { top: 10 }, s));
  const rows = p.data?.models ?? [];
  const cols: DisplayColumn<PropensityModelResult>[] = [
    { key: 'target', label: 'Prediction', value: (m) => `${m.target === 'purchase' ? 'Buys' : 'Churns'} within ${m.days} days` },
    { key: 'status', label: 'Status', value: (m) => (m.status === 'ok' ? 'fitted' : `refused: ${m.reason ?? ''}`) },
    {
      key: 'auc',
      label: 'Holdout AUC',
      numeric: true,
      value: (m) => m.holdout?.auc ?? null,
      render: (m) => fmtNum(m.holdout?.auc ?? null, 2),
    },
    {
      key: 'base',
      label: 'Base rate',
      numeric: true,
      value: (m) => m.holdout?.baseRate ?? null,
      render: (m) => fmtPct(m.holdout?.baseRate ?? null, 1),
    },
    {
      key: 'scored',
      label: 'Persons scored',
      numeric: true,
      value: (m) => m.scored?.persons ?? null,
      render: (m) => fmtInt(m.scored?.persons ?? null),
    },
    {
      key: 'expected',
      label: 'Expected',
      numeric: true,
      value: (m) => m.scored?.expectedPositives ?? null,
      render: (m) => fmtInt(m.scored?.expectedPositives ?? null),
    },
  ];
  return (
    <Panel title="Propensity to buy and to churn" name="propensity" loading={p.loading} error={p.error} rows={rows} columns={cols}>
      <DataTable rows={rows} columns={cols} caption="propensity models" />
      <Text size="xs" c="dimmed">
        AUC on a later holdout period: 0.5 is a coin flip, 1 is perfect. Deciles of these scores are available as audiences.
      </Text>
    </Panel>
  );
}

/** Attribution & ROI: models side by side, ROI/ROAS/CAC by channel, campaign or keyword, spend vs return, marginal-return curves. */
import { useMemo, useRef } from 'react';
import { Alert, Anchor, Group, Select, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useDrill } from '../components/PeopleDrawer.tsx';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useSession } from '../data.ts';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import { navigate, setParams, useLocation } from '../url-state.ts';
import type { ModelComparisonReport as CompareReport } from '../../../src/attribution/attribution-report.ts';
import type { RoiReport, RoiRow } from '../../../src/attribution/roi-report.ts';
import type { MarginalReport } from '../../../src/attribution/marginal.ts';
import { SegmentedField } from '../components/SegmentedField.tsx';

const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'];
const LABEL: Record<string, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  last_non_direct: 'Last non-direct',
  linear: 'Linear',
  time_decay: 'Time decay',
  position_based: 'Position-based',
  markov: 'Markov',
  shapley: 'Shapley',
};
const COLORS = ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#e64980', '#82c91e', '#868e96', '#fd7e14'];

export function Attribution() {
  const f = useFilters();
  const { params } = useLocation();
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const granularity = params.get('gran') ?? 'channel';
  const model = params.get('model') ?? 'markov';
  const key = filtersKey(f) + granularity;
  const compare = useData(key, (s) =>
    post<CompareReport>('/api/v1/attribution/compare', { ...scopeBody(f), granularity, models: MODELS }, s),
  );
  const roi = useData(key + model, (s) => post<RoiReport>('/api/v1/roi', { ...scopeBody(f), granularity, model }, s));
  // The totals of the previous period of equal length, for the comparison switch.
  const prevRoi = useData(f.compare ? `prev:${key}${model}` : null, (s) =>
    post<RoiReport>('/api/v1/roi', { ...scopeBody({ ...f, ...previousRange(f) }), granularity, model }, s),
  );
  const marginal = useData(filtersKey(f) + model, (s) => post<MarginalReport>('/api/v1/roi/marginal', { ...scopeBody(f), model }, s));
  const cmpRef = useRef<ChartHandle>(null);
  const svrRef = useRef<ChartHandle>(null);
  const curveRef = useRef<ChartHandle>(null);

  const results = compare.data?.results ?? [];
  const touchpoints = useMemo(() => {
    const total = new Map<string, number>();
    for (const r of results) for (const t of r.touchpoints) total.set(t.touchpoint, (total.get(t.touchpoint) ?? 0) + t.conversions);
    return [...total.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([t]) => t);
  }, [results]);
  const cmpOption = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 36, bottom: 60 },
      xAxis: { type: 'category', data: touchpoints, axisLabel: { interval: 0, rotate: touchpoints.length > 6 ? 30 : 0, fontSize: 10 } },
      yAxis: { type: 'value', name: 'Conversions' },
      series: results.map((r, i) => ({
        name: LABEL[r.model] ?? r.model,
        type: 'bar',
        color: COLORS[i % COLORS.length],
        data: touchpoints.map((t) => Math.round((r.touchpoints.find((x) => x.touchpoint === t)?.conversions ?? 0) * 10) / 10),
      })),
    }),
    [results, touchpoints],
  );
  const cmpRows = touchpoints.map((t) => ({
    touchpoint: t,
    ...Object.fromEntries(results.map((r) => [r.model, r.touchpoints.find((x) => x.touchpoint === t)?.conversions ?? 0])),
  })) as Array<Record<string, string | number>>;
  const cmpCols = [
    { key: 'touchpoint', label: 'Touchpoint', value: (r: Record<string, string | number>) => r.touchpoint },
    ...results.map((r) => ({ key: r.model, label: LABEL[r.model] ?? r.model, value: (x: Record<string, string | number>) => x[r.model] })),
  ];

  const table = roi.data?.tables[0];
  const rows = (table?.rows ?? []).slice().sort((a, b) => b.spend - a.spend || b.revenue - a.revenue);
  const drill = useDrill();
  // The converters a row's touchpoint touched (same request as the table, the row's label as selection).
  const touchedPeople = (r: RoiRow) =>
    r.people > 0 &&
    drill({
      title: `Converters touched by ${r.touchpoint}, ${f.from} – ${f.to}`,
      source: {
        kind: 'analysis',
        analysis: 'roi',
        input: { ...scopeBody(f), granularity, model },
        selection: { touchpoint: r.touchpoint },
      },
      count: r.people,
    });
  const phone = useMediaQuery('(max-width: 40em)');
  const nameCol: DisplayColumn<RoiRow> = {
    key: 'touchpoint',
    label:
      granularity === 'channel'
        ? 'Channel'
        : granularity === 'campaign'
          ? 'Campaign'
          : granularity === 'keyword'
            ? 'Keyword'
            : 'Source / medium',
    value: (r) => r.touchpoint,
    render: (r) => (
      <Text
        span
        inherit
        title={r.touchpoint}
        style={
          phone
            ? { display: 'inline-block', maxWidth: 96, overflow: 'hidden', textOverflow: 'ellipsis', verticalAlign: 'bottom' }
            : undefined
        }
      >
        {r.touchpoint}
      </Text>
    ),
  };
  const spendCol: DisplayColumn<RoiRow> = {
    key: 'spend',
    label: `Spend (${cur})`,
    numeric: true,
    value: (r) => r.spend,
    render: (r) => fmtMoney(r.spend, cur),
  };
  const convCol: DisplayColumn<RoiRow> = {
    key: 'conversions',
    label: 'Conversions',
    numeric: true,
    value: (r) => r.conversions,
    render: (r) => fmtNum(r.conversions, 1),
  };
  // Net of refunds (ROAS and ROI are computed on it); the gross credit is shown on hover.
  const revenueCol: DisplayColumn<RoiRow> = {
    key: 'revenue',
    label: `Net revenue (${cur})`,
    numeric: true,
    value: (r) => r.revenue,
    render: (r) => <span title={`gross ${fmtMoney(r.grossRevenue, cur)} before refunds`}>{fmtMoney(r.revenue, cur)}</span>,
  };
  const roasCol: DisplayColumn<RoiRow> = {
    key: 'roas',
    label: 'ROAS',
    numeric: true,
    value: (r) => r.roas,
    render: (r) => (r.roas === null ? '–' : `${fmtNum(r.roas)}×`),
  };
  const roiCol: DisplayColumn<RoiRow> = { key: 'roi', label: 'ROI', numeric: true, value: (r) => r.roi, render: (r) => fmtPct(r.roi, 0) };
  const peopleCol: DisplayColumn<RoiRow> = {
    key: 'people',
    label: 'Converters touched',
    numeric: true,
    value: (r) => r.people,
    render: (r) =>
      r.people > 0 ? (
        <UnstyledButton
          fz="sm"
          c="indigo.8"
          td="underline"
          aria-label={`People: converters touched by ${r.touchpoint}`}
          onClick={(e) => {
            e.stopPropagation();
            touchedPeople(r);
          }}
        >
          {fmtInt(r.people)}
        </UnstyledButton>
      ) : (
        fmtInt(r.people)
      ),
  };
  const rest: DisplayColumn<RoiRow>[] = [
    { key: 'cac', label: 'CAC', numeric: true, value: (r) => r.cac, render: (r) => fmtMoney(r.cac, cur) },
    { key: 'profit', label: 'Profit', numeric: true, value: (r) => r.profit, render: (r) => fmtMoney(r.profit, cur) },
  ];
  // On a phone the deciding columns (ROAS, ROI) come right after the name, within the screen; the rest follow.
  const roiCols: DisplayColumn<RoiRow>[] = phone
    ? [nameCol, roasCol, roiCol, revenueCol, spendCol, convCol, peopleCol, ...rest]
    : [nameCol, spendCol, convCol, revenueCol, roasCol, roiCol, ...rest, peopleCol];
  const paid = rows.filter((r) => r.spend > 0);
  const svrOption = useMemo<ChartOption>(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: { name: string; value: [number, number] } }) =>
          `${p.data.name}<br/>spend ${fmtMoney(p.data.value[0], cur)} · revenue ${fmtMoney(p.data.value[1], cur)}`,
      },
      grid: { left: 64, right: 24, top: 16, bottom: 40 },
      xAxis: { type: 'value', name: 'Spend', nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', name: 'Attributed revenue' },
      series: [
        {
          type: 'scatter',
          symbolSize: 14,
          data: paid.map((r) => ({ name: r.touchpoint, value: [r.spend, r.revenue] })),
          label: { show: true, position: 'right', formatter: '{b}', fontSize: 10 },
        },
        {
          type: 'line',
          name: 'Break-even (ROAS 1)',
          showSymbol: false,
          lineStyle: { type: 'dashed', color: '#adb5bd' },
          data: [
            [0, 0],
            [Math.max(1, ...paid.map((r) => r.spend)), Math.max(1, ...paid.map((r) => r.spend))],
          ],
        },
      ],
    }),
    [paid, cur],
  );
  const curves = (marginal.data?.channels ?? []).filter((c) => c.fit);
  const curveOption = useMemo<ChartOption>(() => {
    const maxSpend = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.spend)));
    const xs = Array.from({ length: 41 }, (_, i) => (maxSpend * 1.5 * i) / 40);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 56, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'value', name: 'Daily spend', nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', name: 'Daily revenue' },
      series: curves.flatMap((c, i) => [
        {
          name: c.channel,
          type: 'line',
          showSymbol: false,
          color: COLORS[i % COLORS.length],
          data: xs.map((x) => [Math.round(x * 100) / 100, Math.round(c.fit!.a * (1 - Math.exp(-x / c.fit!.b)) * 100) / 100]),
        },
        {
          name: c.channel,
          type: 'scatter',
          symbolSize: 4,
          color: COLORS[i % COLORS.length],
          itemStyle: { opacity: 0.35 },
          data: c.points.map((p) => [p.spend, p.revenue]),
        },
      ]),
    };
  }, [curves]);

  return (
    <Stack gap="md">
      <Title order={2}>Attribution &amp; ROI</Title>
      <Alert color="yellow" variant="light" p="xs" data-testid="incrementality-note">
        <Text size="xs">
          Attribution credits the touches that preceded a conversion, not the conversions a channel caused: a channel that reaches people
          who would have bought anyway earns credit here. For incremental ROI with intervals, and where the two disagree, see{' '}
          <Anchor
            size="xs"
            href="/budget"
            onClick={(e) => {
              e.preventDefault();
              navigate(`/budget${window.location.search}`);
            }}
          >
            Budget
          </Anchor>
          .
        </Text>
      </Alert>
      <FilterBar />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedField
          label="Touchpoints by"
          value={granularity}
          onChange={(v) => setParams({ gran: v === 'channel' ? undefined : v })}
          data={[
            { value: 'channel', label: 'Channel' },
            { value: 'source_medium', label: 'Source/medium' },
            { value: 'campaign', label: 'Campaign' },
            { value: 'keyword', label: 'Keyword' },
          ]}
        />
        <Select
          label="Model for ROI"
          size="xs"
          data={MODELS.map((m) => ({ value: m, label: LABEL[m]! }))}
          value={model}
          onChange={(v) => v && setParams({ model: v })}
          w={180}
          allowDeselect={false}
        />
      </Group>
      <Panel
        title="Conversions credited by each model"
        name="attribution-models"
        loading={compare.loading && !compare.data}
        stale={compare.stale}
        error={compare.error}
        empty={results.length === 0 && compare.data && 'No conversions with touchpoints in this range.'}
        rows={cmpRows}
        columns={cmpCols}
        chart={cmpRef}
      >
        <Chart
          ref={cmpRef}
          option={cmpOption}
          height={320}
          label="Conversions per touchpoint under each attribution model"
          onClick={(p) => {
            // A bar's people: the converters its touchpoint touched, whichever model's bar it is.
            const touchpoint = touchpoints[p.dataIndex];
            if (touchpoint)
              drill({
                title: `Converters touched by ${touchpoint}, ${f.from} – ${f.to}`,
                source: {
                  kind: 'analysis',
                  analysis: 'attribution-compare',
                  input: { ...scopeBody(f), granularity, models: MODELS },
                  selection: { touchpoint },
                },
                count: rows.find((r) => r.touchpoint === touchpoint)?.people,
              });
          }}
        />
        <Text size="xs" c="dimmed">
          Click a bar for the people its touchpoint touched before converting.
        </Text>
        {compare.data?.skipped.length ? (
          <Text size="xs" c="dimmed">
            Skipped: {compare.data.skipped.map((s) => `${s.model} (${s.reason})`).join('; ')}
          </Text>
        ) : null}
      </Panel>
      <Panel
        title={`ROI by ${granularity.replace('_', ' / ')} (${LABEL[model]})`}
        name="roi"
        loading={roi.loading && !roi.data}
        stale={roi.stale}
        error={roi.error}
        rows={rows}
        columns={roiCols}
        empty={rows.length === 0 && roi.data && 'No conversions or spend in this range. Upload spend in Settings.'}
      >
        <DataTable rows={rows} columns={roiCols} caption="roi" onRowClick={touchedPeople} />
        {table && (
          <Text size="sm" data-testid="roi-totals">
            Total: spend {fmtMoney(table.totals.spend, cur)}, revenue {fmtMoney(table.totals.revenue, cur)} net of refunds (gross{' '}
            {fmtMoney(table.totals.grossRevenue, cur)}), ROAS {table.totals.roas === null ? '–' : fmtNum(table.totals.roas)}×,{' '}
            {fmtInt(table.totals.newCustomers)} new customers
          </Text>
        )}
        {table && f.compare && (
          <Text size="sm" c="dimmed" data-testid="roi-previous">
            {prevRoi.data
              ? (() => {
                  const p = prevRoi.data.tables[0]!.totals;
                  const t = table.totals;
                  const rel = (now: number, before: number) => (before > 0 ? ` (${fmtChange(now / before - 1)})` : '');
                  return `Previous period: spend ${fmtMoney(p.spend, cur)}${rel(t.spend, p.spend)}, revenue ${fmtMoney(p.revenue, cur)}${rel(t.revenue, p.revenue)}, ROAS ${p.roas === null ? '–' : fmtNum(p.roas)}×, ${fmtInt(p.newCustomers)} new customers`;
                })()
              : 'Previous period: loading…'}
          </Text>
        )}
        {table && (
          <Text size="xs" c="dimmed" data-testid="roi-people-note">
            {fmtInt(table.totals.people)} people converted. A touchpoint&apos;s converters are everyone it touched within the{' '}
            {roi.data?.lookbackDays} days before their conversion, whatever credit the model gives it, so a person touched by several counts
            in each row. Click a row for its people.
          </Text>
        )}
        {roi.data?.notes.map((n) => (
          <Text key={n} size="xs" c="dimmed">
            {n}
          </Text>
        ))}
      </Panel>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Panel
          title="Spend vs attributed revenue"
          name="spend-vs-return"
          loading={roi.loading && !roi.data}
          stale={roi.stale}
          error={roi.error}
          rows={paid}
          columns={[nameCol, spendCol, convCol, revenueCol]}
          chart={svrRef}
          empty={paid.length === 0 && roi.data && 'No spend in this range.'}
        >
          <Chart ref={svrRef} option={svrOption} height={300} label="Spend against attributed revenue per touchpoint" />
        </Panel>
        <Panel
          title="Marginal return curves"
          name="marginal-return"
          loading={marginal.loading && !marginal.data}
          stale={marginal.stale}
          error={marginal.error}
          rows={marginal.data?.channels}
          columns={[
            { key: 'channel', label: 'Channel', value: (c) => c.channel },
            { key: 'spend', label: 'Spend', value: (c) => c.spend },
            { key: 'attributedRevenue', label: 'Attributed revenue', value: (c) => c.attributedRevenue },
            { key: 'marginalReturn', label: 'Marginal return', value: (c) => c.marginalReturn },
            { key: 'marginalRoi', label: 'Marginal ROI', value: (c) => c.marginalRoi },
          ]}
          chart={curveRef}
          empty={curves.length === 0 && marginal.data && 'Not enough days with spend to fit a curve.'}
        >
          <Chart ref={curveRef} option={curveOption} height={300} label="Fitted revenue response to daily spend per channel" />
          <Text size="xs" c="dimmed">
            Marginal return at mean daily spend:{' '}
            {curves.map((c) => `${c.channel} ${c.marginalReturn === null ? '–' : fmtNum(c.marginalReturn)}`).join(' · ')}
          </Text>
        </Panel>
      </SimpleGrid>
    </Stack>
  );
}

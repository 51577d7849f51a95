/** Paths: Sankey of the steps after, before, or between events; cleaning rules; top paths. */
import { useMemo, useRef } from 'react';
import { Group, NumberInput, Select, Stack, Switch, Textarea, Title } from '@mantine/core';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { filtersKey, scopeBody, useData, useFilters, useEventNames } from '../data.ts';
import { fmtInt, fmtPct } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { PathsResult } from '../../../src/analysis/paths.ts';
import { SegmentedField } from '../components/SegmentedField.tsx';

/** "pattern => label" per line. */
function parseRules(text: string): Array<{ pattern: string; label: string }> {
  return text
    .split('\n')
    .map((l) => l.split('=>'))
    .filter((p) => p.length === 2 && p[0]!.trim())
    .map(([pattern, label]) => ({ pattern: pattern!.trim(), label: label!.trim() }));
}

export function Paths() {
  const f = useFilters();
  const { params } = useLocation();
  const mode = params.get('mode') ?? 'forward';
  const anchor = params.get('anchor') ?? 'Product Viewed';
  const end = params.get('end') ?? 'Order Completed';
  const steps = Number(params.get('n') ?? 4);
  const rulesText = params.get('clean') ?? '';
  const byEvent = params.get('pages') !== '1';
  const events = useEventNames();
  const req = {
    ...(mode === 'forward' ? { start: anchor } : mode === 'backward' ? { end: anchor, direction: 'backward' } : { start: anchor, end }),
    steps,
    stepType: byEvent ? 'event' : 'event_and_page',
    unit: 'person',
    collapseRepeats: true,
    cleaning: parseRules(rulesText),
    maxNodesPerStep: 8,
    topPaths: 15,
  };
  const data = useData(filtersKey(f) + JSON.stringify(req), (s) => post<PathsResult>('/api/v1/paths', { ...scopeBody(f), ...req }, s));
  const ref = useRef<ChartHandle>(null);
  const option = useMemo<ChartOption>(() => {
    const d = data.data;
    if (!d) return {};
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 120,
          top: 10,
          bottom: 10,
          nodeGap: 10,
          emphasis: { focus: 'adjacency' },
          data: d.nodes.map((n) => ({ name: n.id, value: n.persons, depth: n.depth, label: { formatter: `${n.label} (${fmtInt(n.persons)})` } })),
          links: d.links.map((l) => ({ source: l.source, target: l.target, value: l.persons })),
          lineStyle: { color: 'gradient', opacity: 0.35 },
          label: { fontSize: 11 },
        },
      ],
    };
  }, [data.data]);
  type Top = PathsResult['topPaths'][number];
  const cols: DisplayColumn<Top>[] = [
    { key: 'path', label: 'Path', value: (p) => p.steps.join(' → ') },
    { key: 'persons', label: 'People', numeric: true, value: (p) => p.persons, render: (p) => fmtInt(p.persons) },
    { key: 'share', label: 'Share', numeric: true, value: (p) => p.share, render: (p) => fmtPct(p.share) },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Paths</Title>
      <FilterBar compare={false} />
      <Group gap="sm" align="flex-end" wrap="wrap" role="group" aria-label="Path definition">
        <SegmentedField
          label="Direction"
          value={mode}
          onChange={(v) => setParams({ mode: v === 'forward' ? undefined : v })}
          data={[
            { value: 'forward', label: 'After' },
            { value: 'backward', label: 'Before' },
            { value: 'between', label: 'Between' },
          ]}
        />
        <Select label={mode === 'backward' ? 'Paths leading to' : 'Starting at'} size="xs" searchable data={events.data ?? [anchor]} value={anchor} onChange={(v) => v && setParams({ anchor: v })} w={200} allowDeselect={false} />
        {mode === 'between' && <Select label="Ending at" size="xs" searchable data={events.data ?? [end]} value={end} onChange={(v) => v && setParams({ end: v })} w={200} allowDeselect={false} />}
        <NumberInput label="Steps" size="xs" min={1} max={10} value={steps} onChange={(v) => setParams({ n: String(v || 4) })} w={80} />
        <Switch size="xs" label="Include page paths" checked={!byEvent} onChange={(e) => setParams({ pages: e.currentTarget.checked ? '1' : undefined })} />
      </Group>
      <Textarea
        label="Cleaning rules"
        description="One per line: regular expression => label, e.g. /product/\d+ => /product/:id"
        size="xs"
        autosize
        minRows={1}
        maxRows={5}
        defaultValue={rulesText}
        onBlur={(e) => setParams({ clean: e.currentTarget.value || undefined })}
      />
      <Panel
        title={data.data ? `Paths of ${fmtInt(data.data.persons)} people` : 'Paths'}
        name="paths"
        loading={data.loading && !data.data} stale={data.stale}
        error={data.error}
        empty={data.data?.nodes.length === 0 && 'No paths from this event in the range: choose another event or widen the dates.'}
        rows={data.data?.links}
        columns={[
          { key: 'source', label: 'From', value: (l) => l.source },
          { key: 'target', label: 'To', value: (l) => l.target },
          { key: 'persons', label: 'People', value: (l) => l.persons },
          { key: 'share', label: 'Share', value: (l) => l.share },
        ]}
        chart={ref}
      >
        <Chart ref={ref} option={option} height={460} label="Sankey diagram of paths" />
      </Panel>
      <Panel title="Top paths" name="top-paths" loading={data.loading && !data.data} stale={data.stale} error={data.error} rows={data.data?.topPaths} columns={cols}>
        <DataTable rows={data.data?.topPaths ?? []} columns={cols} caption="top paths" />
      </Panel>
    </Stack>
  );
}

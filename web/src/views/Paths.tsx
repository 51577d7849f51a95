/** Paths: Sankey of the steps after, before, or between events; cleaning rules; top paths. */
import { useMemo, useRef } from 'react';
import { Group, NumberInput, Select, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useEventNames, useSession } from '../data.ts';
import { relativeTo, versusPrevious } from '../compare.ts';
import { fmtInt, fmtPct } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { PathsResult } from '../../../src/analysis/paths.ts';
import { SegmentedField } from '../components/SegmentedField.tsx';
import { useDrill } from '../components/PeopleDrawer.tsx';

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
  const { shared } = useSession();
  const { params } = useLocation();
  const mode = params.get('mode') ?? 'forward';
  const anchor = params.get('anchor') ?? 'Product Viewed';
  const end = params.get('end') ?? 'Order Completed';
  const steps = Number(params.get('n') ?? 4);
  const rulesText = params.get('clean') ?? '';
  const byEvent = params.get('pages') !== '1';
  const showNoise = params.get('noise') === '1';
  const events = useEventNames();
  const req = {
    ...(mode === 'forward' ? { start: anchor } : mode === 'backward' ? { end: anchor, direction: 'backward' } : { start: anchor, end }),
    steps,
    stepType: byEvent ? 'event' : 'event_and_page',
    unit: 'person',
    collapseRepeats: true,
    showNoise,
    cleaning: parseRules(rulesText),
    maxNodesPerStep: 8,
    topPaths: 15,
  };
  const data = useData(filtersKey(f) + JSON.stringify(req), (s) => post<PathsResult>('/api/v1/paths', { ...scopeBody(f), ...req }, s));
  // How many of those who did the first event a Between view covers: the forward paths' count of the same anchor.
  const anchored = useData(mode === 'between' ? filtersKey(f) + 'anchored:' + anchor : null, (s) =>
    post<PathsResult>(
      '/api/v1/paths',
      { ...scopeBody(f), start: anchor, steps: 1, stepType: req.stepType, unit: 'person', topPaths: 0 },
      s,
    ),
  );
  // The same paths over the previous period of equal length, for the comparison switch.
  const prevRange = previousRange(f);
  const previous = useData(f.compare ? `prev:${filtersKey(f)}${JSON.stringify(req)}` : null, (s) =>
    post<PathsResult>('/api/v1/paths', { ...scopeBody({ ...f, ...prevRange }), ...req }, s),
  );
  const drill = useDrill();
  const ref = useRef<ChartHandle>(null);
  const option = useMemo<ChartOption>(() => {
    const d = data.data;
    if (!d) return {};
    // ECharts lays Sankey columns out from 0: backward paths (depths −N … 0) are shifted so the anchor is the rightmost column.
    const minDepth = Math.min(0, ...d.nodes.map((n) => n.depth));
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
          data: d.nodes.map((n) => ({
            name: n.id,
            value: n.persons,
            depth: n.depth - minDepth,
            label: { formatter: `${n.label} (${fmtInt(n.persons)})` },
          })),
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
      <FilterBar />
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
        <Select
          label={mode === 'backward' ? 'Paths leading to' : 'Starting at'}
          size="xs"
          searchable
          data={events.data ?? [anchor]}
          value={anchor}
          onChange={(v) => v && setParams({ anchor: v })}
          w={200}
          allowDeselect={false}
        />
        {mode === 'between' && (
          <Select
            label="Ending at"
            size="xs"
            searchable
            data={events.data ?? [end]}
            value={end}
            onChange={(v) => v && setParams({ end: v })}
            w={200}
            allowDeselect={false}
          />
        )}
        <NumberInput label="Steps" size="xs" min={1} max={10} value={steps} onChange={(v) => setParams({ n: String(v || 4) })} w={80} />
        <Switch
          size="xs"
          label="Include page paths"
          checked={!byEvent}
          onChange={(e) => setParams({ pages: e.currentTarget.checked ? '1' : undefined })}
        />
        <Switch
          size="xs"
          label="Show generic page views"
          description="Hidden by default: they split equal paths"
          checked={showNoise}
          onChange={(e) => setParams({ noise: e.currentTarget.checked ? '1' : undefined })}
        />
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
        loading={data.loading && !data.data}
        stale={data.stale}
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
        <Chart
          ref={ref}
          option={option}
          height={460}
          label="Sankey diagram of paths"
          onClick={(p) => {
            const node = data.data?.nodes.find((n) => n.id === (p.data as { name?: string } | undefined)?.name);
            if (!node || node.label === 'Other' || p.dataType !== 'node') return;
            drill({
              title: `${node.label} at step ${node.depth}`,
              source: {
                kind: 'analysis',
                analysis: 'paths',
                input: { ...scopeBody(f), ...req },
                selection: { depth: node.depth, label: node.label },
              },
              count: node.persons,
            });
          }}
        />
        {mode === 'between' && data.data && anchored.data && (
          <Text size="sm" data-testid="between-coverage">
            These paths cover {fmtInt(data.data.persons)} of the {fmtInt(anchored.data.persons)} people who did {anchor} (
            {fmtPct(anchored.data.persons ? data.data.persons / anchored.data.persons : null)}): the others did not reach {end} within{' '}
            {steps} steps.
          </Text>
        )}
        {data.data && f.compare && (
          <Text size="sm" c="dimmed" data-testid="paths-previous">
            {previous.data
              ? `${fmtInt(data.data.persons)} people${versusPrevious(true, data.data.persons, previous.data.persons, fmtInt, relativeTo(previous.data.persons))} (${prevRange.from} – ${prevRange.to})`
              : 'Previous period: loading…'}
          </Text>
        )}
        {/* A shared link shows figures, not the people behind them. */}
        {!shared && (
          <Text size="xs" c="dimmed">
            Click a step for its people.
          </Text>
        )}
      </Panel>
      <Panel
        title="Top paths"
        name="top-paths"
        loading={data.loading && !data.data}
        stale={data.stale}
        error={data.error}
        rows={data.data?.topPaths}
        columns={cols}
      >
        <DataTable rows={data.data?.topPaths ?? []} columns={cols} caption="top paths" />
      </Panel>
    </Stack>
  );
}

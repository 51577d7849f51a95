/**
 * The journey map: stages as columns, touchpoints as rows, each cell the people reached there and
 * how many went on to the next stage, coloured against the stage's own conversion. Above it the
 * emotion curve from feedback; numbered markers for the largest leaks, the worst-rated and the
 * best-rated touchpoints. A cell opens what is behind it.
 */
import { useMemo, useRef, useState } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Drawer,
  Group,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { get, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { Panel } from '../components/Panel.tsx';
import { download, toCsv } from '../csv.ts';
import { filtersKey, previousRange, scopeBody, useData, useFilters, useSession } from '../data.ts';
import { relativeTo } from '../compare.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import { useDrill } from '../components/PeopleDrawer.tsx';
import { navigate, setParams, useLocation } from '../url-state.ts';
import type {
  JourneyMap as JourneyMapResult,
  JourneyMapCell as Cell,
  JourneyMapStage as StageResult,
} from '../../../src/analysis/journey-map.ts';

interface Marker {
  n: number;
  kind: 'leak' | 'worst' | 'delight';
  stage: string;
  touchpoint: string;
  why: string;
}

const MIN_RESPONSES = 5;

/** Cell colour: hue from red (converts at half the stage rate or less) to green (1.5× or more). */
function cellColour(cell: Cell, stage: StageResult | undefined): string {
  if (cell.conversionRate === null || !stage?.conversionRate) return '#f1f3f5';
  const ratio = cell.conversionRate / stage.conversionRate;
  const hue = Math.max(0, Math.min(120, 60 + (ratio - 1) * 120));
  return `hsl(${hue}, 70%, 87%)`;
}

function markersOf(map: JourneyMapResult): Marker[] {
  const out: Marker[] = [];
  const stageName = (id: string) => map.stages.find((s) => s.id === id)?.name ?? id;
  map.leaks.slice(0, 3).forEach((l) =>
    out.push({
      n: 0,
      kind: 'leak',
      stage: l.stage,
      touchpoint: l.touchpoint,
      why: `${fmtInt(l.lost)} left ${stageName(l.stage)} after ${l.touchpoint}; worth about ${fmtMoney(l.value)}`,
    }),
  );
  const rated = map.grid.filter((c) => c.feedback.responses >= MIN_RESPONSES && c.feedback.score !== null);
  // A pain point is rated below the middle of the scale; a delight near the top.
  [...rated]
    .filter((c) => c.feedback.score! < 0.5)
    .sort((a, b) => a.feedback.score! - b.feedback.score!)
    .slice(0, 2)
    .forEach((c) => {
      if (!out.some((m) => m.stage === c.stage && m.touchpoint === c.touchpoint))
        out.push({
          n: 0,
          kind: 'worst',
          stage: c.stage,
          touchpoint: c.touchpoint,
          why: `rated ${fmtPct(c.feedback.score)} of the best score (${c.feedback.responses} responses)`,
        });
    });
  [...rated]
    .filter((c) => c.feedback.score! >= 0.8)
    .sort((a, b) => b.feedback.score! - a.feedback.score!)
    .slice(0, 2)
    .forEach((c) => {
      if (!out.some((m) => m.stage === c.stage && m.touchpoint === c.touchpoint))
        out.push({
          n: 0,
          kind: 'delight',
          stage: c.stage,
          touchpoint: c.touchpoint,
          why: `rated ${fmtPct(c.feedback.score)} of the best score (${c.feedback.responses} responses)`,
        });
    });
  return out.map((m, i) => ({ ...m, n: i + 1 }));
}

export function JourneyMap() {
  const f = useFilters();
  const s = useSession();
  const { params } = useLocation();
  const journeys = useData('journeys', (sig) =>
    get<{ default: string; journeys: Array<{ id: string; name: string }> }>('/api/v1/journeys', sig),
  );
  const journeyId = params.get('journey') ?? journeys.data?.default ?? '';
  const map = useData(journeys.data ? filtersKey(f) + journeyId : null, (sig) =>
    post<JourneyMapResult>('/api/v1/journeys/map', { ...scopeBody(f), journeyId }, sig),
  );
  // The same map over the previous period of equal length, for the comparison switch.
  const previous = useData(journeys.data && f.compare ? `prev:${filtersKey(f)}${journeyId}` : null, (sig) =>
    post<JourneyMapResult>('/api/v1/journeys/map', { ...scopeBody({ ...f, ...previousRange(f) }), journeyId }, sig),
  );
  const drill = useDrill();
  const input = { ...scopeBody(f), journeyId };
  const stagePeople = (st: JourneyMapResult['stages'][number]) =>
    drill({
      title: `Entered ${st.name}`,
      source: { kind: 'analysis', analysis: 'journey-map', input, selection: { stage: st.id, outcome: 'entered' } },
      count: st.entered,
    });
  const [showAll, setShowAll] = useState(false);
  const [open, setOpen] = useState<Cell | null>(null);
  const emotionRef = useRef<ChartHandle>(null);
  const flowRef = useRef<ChartHandle>(null);
  const m = map.data;
  const markers = useMemo(() => (m ? markersOf(m) : []), [m]);

  const rows = useMemo(() => {
    if (!m) return [];
    const total = new Map<string, number>();
    for (const c of m.grid) total.set(c.touchpoint, (total.get(c.touchpoint) ?? 0) + c.reached);
    return [...total.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
  }, [m]);
  const shown = showAll ? rows : rows.slice(0, 12);
  const cellAt = (stage: string, tp: string) => m?.grid.find((c) => c.stage === stage && c.touchpoint === tp);

  const emotion = useMemo<ChartOption>(() => {
    if (!m) return {};
    const stageIndex = (id: string) => m.stages.findIndex((x) => x.id === id);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 40, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: m.stages.map((x) => x.name), boundaryGap: true },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        name: 'Feeling',
        axisLabel: { formatter: (v: number) => (v === 0 ? 'low' : v === 50 ? 'neutral' : v === 100 ? 'high' : '') },
      },
      series: [
        {
          type: 'line',
          name: 'Feedback score (0–100)',
          smooth: true,
          connectNulls: true,
          data: m.stages.map((x) => (x.emotionScore === null ? null : Math.round(x.emotionScore * 1000) / 10)),
          lineStyle: { width: 3, color: '#7048e8' },
          areaStyle: { color: 'rgba(112,72,232,0.08)' },
          markLine: { silent: true, symbol: 'none', lineStyle: { color: '#ced4da', type: 'dashed' }, data: [{ yAxis: 50 }] },
          markPoint: {
            symbolSize: 28,
            label: { color: '#fff', fontWeight: 'bold', formatter: (p: { name: string }) => p.name },
            // Several markers on one stage stack upwards so each number stays readable.
            data: markers.map((mk) => {
              const st = m.stages[stageIndex(mk.stage)];
              const nth = markers.filter((x) => x.stage === mk.stage && x.n < mk.n).length;
              const y = st?.emotionScore === null || st?.emotionScore === undefined ? 50 : st.emotionScore * 100;
              return {
                name: String(mk.n),
                coord: [stageIndex(mk.stage), y],
                symbolOffset: [nth * 22 - 0, -nth * 4],
                itemStyle: { color: mk.kind === 'delight' ? '#099268' : '#c92a2a' },
              };
            }),
          },
        },
      ],
    };
  }, [m, markers]);

  const flow = useMemo<ChartOption>(() => {
    if (!m) return {};
    const name = (id: string) => (id === 'start' ? 'Start' : id === 'exit' ? 'Left' : (m.stages.find((x) => x.id === id)?.name ?? id));
    // A Sankey needs no cycles: name each node by its position so back-steps stay drawable.
    const links = m.flows.filter((fl) => fl.persons > 0 && fl.from !== fl.to);
    const order = (id: string) => (id === 'start' ? -1 : id === 'exit' ? 99 : m.stages.findIndex((x) => x.id === id));
    const forward = links.filter((l) => order(l.to) > order(l.from));
    const nodes = [...new Set(forward.flatMap((l) => [l.from, l.to]))];
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 90,
          top: 8,
          bottom: 8,
          nodeAlign: 'left',
          data: nodes.map((id) => ({ name: name(id) })),
          links: forward.map((l) => ({ source: name(l.from), target: name(l.to), value: l.persons })),
          lineStyle: { color: 'gradient', opacity: 0.35 },
          emphasis: { focus: 'adjacency' },
        },
      ],
    };
  }, [m]);

  const leakCols: DisplayColumn<JourneyMapResult['leaks'][number]>[] = [
    { key: 'stage', label: 'Stage', value: (l) => m?.stages.find((x) => x.id === l.stage)?.name ?? l.stage },
    { key: 'touchpoint', label: 'Touchpoint', value: (l) => l.touchpoint },
    { key: 'lost', label: 'Left', numeric: true, value: (l) => l.lost, render: (l) => fmtInt(l.lost) },
    {
      key: 'value',
      label: 'Value at stake',
      numeric: true,
      value: (l) => l.value,
      render: (l) => fmtMoney(l.value, s.project.settings.reportingCurrency),
    },
  ];
  const gridCsv = [
    { key: 'stage', label: 'Stage', value: (c: Cell) => c.stage },
    { key: 'touchpoint', label: 'Touchpoint', value: (c: Cell) => c.touchpoint },
    { key: 'reached', label: 'Reached', value: (c: Cell) => c.reached },
    { key: 'converted', label: 'Went on', value: (c: Cell) => c.converted },
    { key: 'conversionRate', label: 'Conversion to next stage', value: (c: Cell) => c.conversionRate },
    { key: 'dropOff', label: 'Dropped', value: (c: Cell) => c.dropOff },
    { key: 'feedback', label: 'Feedback score', value: (c: Cell) => c.feedback.score },
    { key: 'responses', label: 'Responses', value: (c: Cell) => c.feedback.responses },
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>Journey map{m ? `: ${m.journey.name}` : ''}</Title>
        {journeys.data && journeys.data.journeys.length > 1 && (
          <Select
            size="xs"
            aria-label="Journey"
            data={journeys.data.journeys.map((j) => ({ value: j.id, label: j.name }))}
            value={journeyId}
            onChange={(v) => v && setParams({ journey: v })}
            allowDeselect={false}
            w={240}
          />
        )}
      </Group>
      {s.personas.length > 0 && (
        <ScrollArea type="auto">
          <SegmentedControl
            aria-label="Persona"
            size="xs"
            value={f.persona || ''}
            onChange={(v) => setParams({ persona: v || undefined })}
            data={[{ value: '', label: 'Everyone' }, ...s.personas.map((p) => ({ value: p.id, label: p.name }))]}
          />
        </ScrollArea>
      )}
      <FilterBar persona={false} />
      <Panel
        title="How customers feel along the journey"
        name="emotion-curve"
        loading={(map.loading || journeys.loading) && !m}
        stale={map.stale}
        error={map.error ?? journeys.error}
        chart={emotionRef}
        rows={m?.stages}
        columns={[
          { key: 'name', label: 'Stage', value: (x) => x.name },
          { key: 'entered', label: 'Entered', value: (x) => x.entered },
          { key: 'conversionRate', label: 'Conversion to next', value: (x) => x.conversionRate },
          { key: 'emotionScore', label: 'Feedback score (0-1)', value: (x) => x.emotionScore },
          { key: 'responses', label: 'Responses', value: (x) => x.feedback.responses },
        ]}
        empty={m && m.persons === 0 && 'Nobody entered this journey in the range: widen the dates or check the stage rules in Settings.'}
      >
        <Chart
          ref={emotionRef}
          option={emotion}
          height={220}
          label="Emotion curve: mean feedback score per stage, with numbered pain points and delight moments"
        />
      </Panel>
      {m && m.persons > 0 && (
        <Card withBorder radius="md" p="md" component="section" aria-label="Journey grid">
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              Stages × touchpoints
            </Title>
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                Each cell: people reached · share who went on to the next stage. Greener converts better than its stage.
              </Text>
              <Button
                size="compact-xs"
                variant="default"
                onClick={() => download('journey-grid.csv', toCsv(m.grid, gridCsv))}
                aria-label="Export journey grid as CSV"
              >
                CSV
              </Button>
            </Group>
          </Group>
          <ScrollArea type="auto">
            <Table withTableBorder withColumnBorders fz="xs" style={{ minWidth: 140 + m.stages.length * 130 }} data-testid="journey-grid">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th style={{ width: 150 }}>Touchpoint</Table.Th>
                  {m.stages.map((st) => (
                    <Table.Th key={st.id} style={{ textAlign: 'center' }} data-stage={st.id}>
                      <div style={{ fontSize: 13 }}>{st.name}</div>
                      <div style={{ fontWeight: 400 }} data-testid={`stage-${st.id}`}>
                        <Anchor
                          component="button"
                          type="button"
                          size="xs"
                          onClick={() => stagePeople(st)}
                          aria-label={`People who entered ${st.name}`}
                        >
                          <span data-testid={`stage-${st.id}-entered`}>{fmtInt(st.entered)}</span>
                        </Anchor>{' '}
                        in · {fmtPct(st.conversionRate)} on
                      </div>
                      {f.compare && previous.data && (
                        <div style={{ fontWeight: 400, color: 'var(--mantine-color-dimmed)' }} data-testid={`stage-${st.id}-previous`}>
                          {(() => {
                            const before = previous.data.stages.find((x) => x.id === st.id);
                            return before
                              ? `previous ${fmtInt(before.entered)} (${relativeTo(before.entered)(st.entered - before.entered)})`
                              : 'previous –';
                          })()}
                        </div>
                      )}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((tp) => (
                  <Table.Tr key={tp}>
                    <Table.Th scope="row" style={{ fontWeight: 500 }}>
                      {tp}
                    </Table.Th>
                    {m.stages.map((st) => {
                      const c = cellAt(st.id, tp);
                      const mk = markers.filter((x) => x.stage === st.id && x.touchpoint === tp);
                      if (!c) return <Table.Td key={st.id} style={{ background: '#fafafa' }} />;
                      return (
                        <Table.Td key={st.id} style={{ background: cellColour(c, st), padding: 0 }}>
                          <button
                            type="button"
                            className="wm-cell"
                            onClick={() => setOpen(c)}
                            aria-label={`${tp} in ${st.name}: ${c.reached} reached, ${fmtPct(c.conversionRate)} went on`}
                            data-testid={`cell-${st.id}-${tp}`}
                          >
                            <span className="wm-cell-reach">{fmtInt(c.reached)}</span>
                            <span>{fmtPct(c.conversionRate, 0)}</span>
                            {mk.map((x) => (
                              <Tooltip key={x.n} label={x.why}>
                                <span className={`wm-marker wm-marker-${x.kind}`}>{x.n}</span>
                              </Tooltip>
                            ))}
                          </button>
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {rows.length > 12 && (
            <Switch
              mt="xs"
              size="xs"
              label={`Show all ${rows.length} touchpoints`}
              checked={showAll}
              onChange={(e) => setShowAll(e.currentTarget.checked)}
            />
          )}
          <Stack gap={4} mt="sm" aria-label="Pain points and delight moments">
            {markers.map((x) => (
              <Group key={x.n} gap="xs" wrap="nowrap">
                <span className={`wm-marker wm-marker-${x.kind}`}>{x.n}</span>
                <Text size="xs">
                  <b>{x.kind === 'leak' ? 'Leak' : x.kind === 'worst' ? 'Pain point' : 'Delight'}</b> — {x.touchpoint} in{' '}
                  {m.stages.find((st) => st.id === x.stage)?.name}: {x.why}
                </Text>
              </Group>
            ))}
          </Stack>
        </Card>
      )}
      {m && m.persons > 0 && (
        <Panel title="Largest leaks" name="journey-leaks" rows={m.leaks} columns={leakCols}>
          <DataTable
            rows={m.leaks}
            columns={leakCols}
            caption="leaks"
            onRowClick={(l) => {
              const c = m.grid.find((x) => x.stage === l.stage && x.touchpoint === l.touchpoint);
              if (c)
                drill({
                  title: `Left ${m.stages.find((x) => x.id === l.stage)?.name} after ${l.touchpoint}`,
                  source: {
                    kind: 'analysis',
                    analysis: 'journey-map',
                    input,
                    selection: { stage: c.stage, channel: c.channel, interaction: c.interaction, outcome: 'dropped' },
                  },
                  count: l.lost,
                });
            }}
          />
          <Text size="xs" c="dimmed" mt="xs" data-testid="leak-formula">
            {m.formula}. An order is worth {fmtMoney(m.avgOrderValue, s.project.settings.reportingCurrency)} net of refunds (
            {fmtMoney(m.grossAvgOrderValue, s.project.settings.reportingCurrency)} gross); all leaks together{' '}
            {fmtMoney(m.leakTotal, s.project.settings.reportingCurrency)} of{' '}
            {fmtMoney(m.revenuePossible, s.project.settings.reportingCurrency)} possible.
          </Text>
        </Panel>
      )}
      {m && m.persons > 0 && (
        <Panel
          title="How people move between stages"
          name="journey-flows"
          rows={m.flows}
          columns={[
            { key: 'from', label: 'From', value: (x) => x.from },
            { key: 'to', label: 'To', value: (x) => x.to },
            { key: 'persons', label: 'People', value: (x) => x.persons },
          ]}
          chart={flowRef}
        >
          <Chart ref={flowRef} option={flow} height={260} label="Flows between journey stages" />
        </Panel>
      )}
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="md"
        title={open ? `${open.touchpoint} · ${m?.stages.find((x) => x.id === open.stage)?.name}` : ''}
      >
        {open && m && (
          <CellDetail
            cell={open}
            map={m}
            onClose={() => setOpen(null)}
            onPeople={(outcome, title, count) => {
              setOpen(null);
              drill({
                title,
                source: {
                  kind: 'analysis',
                  analysis: 'journey-map',
                  input,
                  selection: { stage: open.stage, channel: open.channel, interaction: open.interaction, outcome },
                },
                count,
              });
            }}
          />
        )}
      </Drawer>
    </Stack>
  );
}

function CellDetail({
  cell,
  map,
  onClose,
  onPeople,
}: {
  cell: Cell;
  map: JourneyMapResult;
  onClose: () => void;
  onPeople: (outcome: 'reached' | 'converted' | 'dropped', title: string, count: number) => void;
}) {
  const { project } = useSession();
  const i = map.stages.findIndex((x) => x.id === cell.stage);
  const stage = map.stages[i]!;
  const next = map.stages[i + 1];
  const go = (path: string, extra: Record<string, string>) => {
    const u = new URL(window.location.href);
    u.pathname = path;
    for (const k of ['journey']) u.searchParams.delete(k);
    for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
    onClose();
    navigate(u.pathname + u.search);
  };
  const rows: Array<[string, string]> = [
    ['People reached', fmtInt(cell.reached)],
    ['Share of the stage', fmtPct(cell.shareOfStage)],
    [next ? `Went on to ${next.name}` : 'Went on', `${fmtInt(cell.converted)} (${fmtPct(cell.conversionRate)})`],
    ['Stage average', fmtPct(stage.conversionRate)],
    ['Dropped', fmtInt(cell.dropOff)],
    ['Orders by those reached', fmtInt(cell.orders)],
    ['Revenue influenced', fmtMoney(cell.revenueInfluenced, project.settings.reportingCurrency)],
    ['Feedback responses', fmtInt(cell.feedback.responses)],
    ['Feedback score', cell.feedback.score === null ? '–' : fmtPct(cell.feedback.score)],
    ['NPS', cell.feedback.nps.score === null ? '–' : fmtNum(cell.feedback.nps.score, 0)],
    // CSAT is shown one way everywhere (share of 4–5 of 5, on the Overview and Feedback pages); the map carries only responses here.
    ['CSAT responses', fmtInt(cell.feedback.csat.responses)],
  ];
  return (
    <Stack gap="sm">
      <Table fz="sm">
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th scope="row">{k}</Table.Th>
              <Table.Td style={{ textAlign: 'right' }}>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {stage.painPoints.length > 0 && (
        <div>
          <Text size="sm" fw={600}>
            What people said in {stage.name}
          </Text>
          {stage.painPoints.slice(0, 5).map((p) => (
            <Text size="xs" key={p.comment}>
              “{p.comment}”{' '}
              <Badge size="xs" variant="light">
                {p.mentions}×
              </Badge>
            </Text>
          ))}
        </div>
      )}
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => onPeople('reached', `Reached ${cell.touchpoint} in ${stage.name}`, cell.reached)}
          data-testid="cell-people-reached"
        >
          {fmtInt(cell.reached)} people reached
        </Button>
        {next && (
          <Button
            size="xs"
            variant="default"
            onClick={() => onPeople('converted', `Went on to ${next.name} after ${cell.touchpoint}`, cell.converted)}
          >
            {fmtInt(cell.converted)} went on
          </Button>
        )}
        {next && (
          <Button
            size="xs"
            variant="default"
            onClick={() => onPeople('dropped', `Left ${stage.name} after ${cell.touchpoint}`, cell.dropOff)}
          >
            {fmtInt(cell.dropOff)} dropped
          </Button>
        )}
      </Group>
      <Group gap="xs">
        {cell.interaction !== 'Order Completed' && (
          <Button size="xs" variant="light" onClick={() => go('/funnels', { steps: `${cell.interaction}|Order Completed` })}>
            Funnel from here
          </Button>
        )}
        <Button size="xs" variant="light" onClick={() => go('/paths', { anchor: cell.interaction })}>
          Paths after it
        </Button>
        <Button size="xs" variant="light" onClick={() => go('/paths', { anchor: cell.interaction, mode: 'backward' })}>
          Paths before it
        </Button>
      </Group>
    </Stack>
  );
}

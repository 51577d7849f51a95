/**
 * Uplift and next best action for one experiment (POST /api/v1/uplift): the arms, each learner's
 * Qini curve on the holdout against random targeting, the uplift segments (each can be saved as
 * an audience), and the next best action among tested actions.
 */
import { useMemo, useRef, useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { useData } from '../data.ts';
import { fmtInt, fmtNum, fmtPct, fmtPoints } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { DiscoveredExperiment } from '../../../src/experiments/exposures.ts';
import type { TreatmentUplift, UpliftResult, UpliftSegment } from '../../../src/uplift/uplift.ts';

type LearnerRow = TreatmentUplift['learners'][number] & { variation: string };
type SegmentRow = { variation: string; segment: UpliftSegment; persons: number };
type ActionRow = { action: string; status: 'tested' | 'untested' | ''; cost: number | null; persons: number };

const SEGMENT_LABEL: Record<UpliftSegment, string> = {
  persuadables: 'Persuadables (buy only if treated)',
  'sure-things': 'Sure things (buy anyway)',
  'lost-causes': 'Lost causes (do not buy either way)',
  'sleeping-dogs': 'Sleeping dogs (treatment puts them off)',
};
const LEARNER_LABEL = { t: 'T-learner', x: 'X-learner', dr: 'Doubly robust' } as const;

export function Uplift() {
  const { params } = useLocation();
  const found = useData('uplift:experiments', (s) =>
    get<{ experiments: DiscoveredExperiment[] }>('/api/v1/experiments/discovered', s).then((r) => r.experiments),
  );
  const experiment = params.get('experiment') ?? found.data?.[0]?.experimentId ?? null;
  const fit = useData(experiment ? `uplift:${experiment}` : null, (s) => post<UpliftResult>('/api/v1/uplift', { experiment }, s));
  const r = fit.data;
  const [saved, setSaved] = useState('');
  const qiniRef = useRef<ChartHandle>(null);
  const t = r?.treatments[0];
  const qiniChart = useMemo<ChartOption>(() => {
    if (!t) return { series: [] };
    const chosen = t.learners.find((l) => l.learner === t.chosen) ?? t.learners[0]!;
    const total = chosen.curve[chosen.curve.length - 1]?.incremental ?? 0;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 30, bottom: 40 },
      xAxis: { type: 'value', name: 'share of persons targeted', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
      yAxis: { type: 'value', name: 'incremental conversions' },
      series: [
        ...t.learners.map((l) => ({
          name: LEARNER_LABEL[l.learner],
          type: 'line',
          showSymbol: false,
          lineStyle: { width: l.learner === t.chosen ? 3 : 1.5 },
          data: [[0, 0], ...l.curve.map((c) => [c.fraction, Math.round(c.incremental * 10) / 10])],
        })),
        {
          name: 'Random targeting',
          type: 'line',
          showSymbol: false,
          lineStyle: { type: 'dashed', color: '#868e96' },
          itemStyle: { color: '#868e96' },
          data: [
            [0, 0],
            [1, Math.round(total * 10) / 10],
          ],
        },
      ],
    };
  }, [t]);

  const saveSegment = async (row: SegmentRow) => {
    try {
      const a = await post<{ id: string }>('/api/v1/audiences', {
        name: `${experiment} ${row.variation} ${row.segment}`,
        source: { kind: 'model', model: 'uplift', params: { experiment, variation: row.variation, segment: row.segment } },
      });
      setSaved(`Saved as audience "${a.id}"`);
    } catch (e) {
      setSaved(e instanceof ApiError ? `Not saved: ${e.message}` : String(e));
    }
  };

  const learnerRows: LearnerRow[] = (r?.treatments ?? []).flatMap((tr) => tr.learners.map((l) => ({ ...l, variation: tr.variation })));
  const learnerCols: DisplayColumn<LearnerRow>[] = [
    { key: 'variation', label: 'Treatment', value: (l) => l.variation },
    { key: 'learner', label: 'Learner', value: (l) => LEARNER_LABEL[l.learner] },
    { key: 'qini', label: 'Qini (per person)', numeric: true, value: (l) => l.qini, render: (l) => fmtNum(l.qini, 4) },
    { key: 'auuc', label: 'AUUC', numeric: true, value: (l) => l.auuc, render: (l) => fmtPoints(l.auuc, 2) },
    {
      key: 'chosen',
      label: 'Chosen',
      value: (l) => (r?.treatments.find((x) => x.variation === l.variation)?.chosen === l.learner ? 'yes' : ''),
    },
  ];
  const segmentRows: SegmentRow[] = (r?.treatments ?? []).flatMap((tr) =>
    (Object.keys(tr.segments) as UpliftSegment[]).map((segment) => ({ variation: tr.variation, segment, persons: tr.segments[segment] })),
  );
  const segmentCols: DisplayColumn<SegmentRow>[] = [
    { key: 'variation', label: 'Treatment', value: (s) => s.variation },
    { key: 'segment', label: 'Segment', value: (s) => s.segment, render: (s) => SEGMENT_LABEL[s.segment] },
    { key: 'persons', label: 'Persons', numeric: true, value: (s) => s.persons, render: (s) => fmtInt(s.persons) },
    {
      key: 'save',
      label: '',
      value: () => '',
      render: (s) => (
        <Button size="compact-xs" variant="default" onClick={() => void saveSegment(s)} aria-label={`Save ${s.segment} of ${s.variation}`}>
          Save as audience
        </Button>
      ),
    },
  ];
  const actionRows: ActionRow[] = (r?.nextBestAction.actions ?? [])
    .map((a): ActionRow => ({ ...a, persons: r!.nextBestAction.counts[a.action] ?? 0 }))
    .concat([{ action: 'no action', status: '', cost: 0, persons: r?.nextBestAction.counts['no action'] ?? 0 }]);
  const actionCols: DisplayColumn<ActionRow>[] = [
    { key: 'action', label: 'Action', value: (a) => a.action },
    { key: 'status', label: 'Tested', value: (a) => a.status },
    { key: 'cost', label: 'Cost per person', numeric: true, value: (a) => a.cost, render: (a) => fmtNum(a.cost, 2) },
    { key: 'persons', label: 'Persons for whom it is best', numeric: true, value: (a) => a.persons, render: (a) => fmtInt(a.persons) },
  ];
  const chosenQini = t?.learners.find((l) => l.learner === t.chosen)?.qini;

  return (
    <Stack gap="md">
      <Title order={2}>Uplift</Title>
      <Text size="sm" c="dimmed">
        Who buys because of a treatment rather than anyway. Learners are fitted on part of the experiment's persons and compared on the rest
        (the holdout): the Qini curve counts the extra conversions won by targeting the persons the model ranks highest first, against
        targeting at random.
      </Text>
      <Group>
        <Select
          label="Experiment"
          size="xs"
          w={260}
          data={(found.data ?? []).map((e) => ({ value: e.experimentId, label: `${e.experimentId} (${fmtInt(e.persons)} persons)` }))}
          value={experiment}
          onChange={(v) => v && setParams({ experiment: v })}
          allowDeselect={false}
        />
      </Group>
      {found.data && found.data.length === 0 && <Text>No experiment exposures yet (Experiment Viewed events).</Text>}
      {fit.error ? (
        <ErrorNote error={fit.error} />
      ) : (
        r && (
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <StatCard
              className="stat-ate"
              label="Average effect (ATE)"
              value={t ? fmtPoints(t.ate.estimate, 2) : '–'}
              note={t ? `± ${fmtPoints(1.96 * t.ate.standardError, 2).slice(1)} (95%) on ${r.event} within ${r.windowDays} days` : ''}
            />
            <StatCard
              className="stat-exposed"
              label="Persons exposed"
              value={fmtInt(r.arms.reduce((s, a) => s + a.persons, 0))}
              note={r.arms.map((a) => `${a.variation}: ${fmtPct(a.rate, 1)}`).join(' · ')}
            />
            <StatCard
              className="stat-learner"
              label="Chosen learner"
              value={t ? LEARNER_LABEL[t.chosen] : '–'}
              note={`holdout of ${fmtInt(r.holdout.persons)}`}
            />
            <StatCard
              className="stat-qini"
              label="Holdout Qini (chosen)"
              value={fmtNum(chosenQini ?? null, 4)}
              note={
                t
                  ? `vs shuffled scores: p = ${fmtNum(t.heterogeneity.qiniPValue, 3)} (${t.targeting === 'model' ? 'targeting by the model' : 'no better than chance'})`
                  : ''
              }
            />
          </SimpleGrid>
        )
      )}
      {t && t.targeting === 'average' && (
        <Alert color="yellow" title="No targeting gain beyond chance" data-testid="uplift-average">
          The best learner's holdout Qini is no better than the same scores shuffled (p = {fmtNum(t.heterogeneity.qiniPValue, 3)}): what is
          known about persons before exposure does not tell who responds. Segments and next best action therefore use the average effect (
          {fmtPoints(t.ate.estimate, 2)}) for everyone.
        </Alert>
      )}
      <Panel
        title="Qini curve on the holdout"
        name="uplift-qini"
        loading={fit.loading}
        error={fit.error}
        chart={qiniRef}
        rows={learnerRows}
        columns={learnerCols}
      >
        <Chart ref={qiniRef} option={qiniChart} label="Qini curve: incremental conversions by share targeted" />
        <DataTable rows={learnerRows} columns={learnerCols} caption="uplift learners" />
      </Panel>
      <Panel
        title="Uplift segments"
        name="uplift-segments"
        loading={fit.loading}
        error={fit.error}
        rows={segmentRows}
        columns={segmentCols}
      >
        <DataTable rows={segmentRows} columns={segmentCols} caption="uplift segments" />
        {saved && (
          <Text size="xs" c="teal" role="status">
            {saved}
          </Text>
        )}
      </Panel>
      <Panel title="Next best action" name="uplift-nba" loading={fit.loading} error={fit.error} rows={actionRows} columns={actionCols}>
        <DataTable rows={actionRows} columns={actionCols} caption="next best action" />
        <Text size="xs" c="dimmed">
          Only actions the experiment tested are recommended; an action is best for a person when its expected extra conversions times the
          value of one, net of its cost, is the highest and positive.
        </Text>
      </Panel>
    </Stack>
  );
}

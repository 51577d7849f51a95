/** Feedback: NPS, CSAT and CES overall, by stage, by touchpoint and over time (with 95% intervals), themes and comments. */
import { useMemo, useRef } from 'react';
import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { filtersKey, previousRange, scopeBody, useData, useFilters } from '../data.ts';
import { fmtChange, fmtInt, fmtNum, fmtPct, fmtPoints } from '../format.ts';
import type { FeedbackReport, ScoreSummary } from '../../../src/analysis/feedback.ts';
import { StatCard } from '../components/StatCard.tsx';
import { annotationMarks, useAnnotations } from '../components/annotations.ts';
import { versusPrevious } from '../compare.ts';

type Row = { key: string } & ScoreSummary;

const interval = (i: [number, number] | undefined, f: (v: number) => string) => (i ? `${f(i[0])} – ${f(i[1])}` : '');
const npsFmt = (v: number) => fmtNum(v, 0);
const csatFmt = (v: number) => fmtPct(v, 0);
const cesFmt = (v: number) => fmtNum(v, 2);

function scoreColumns(label: string): DisplayColumn<Row>[] {
  return [
    { key: 'key', label, value: (r) => r.key },
    { key: 'responses', label: 'Responses', numeric: true, value: (r) => r.responses, render: (r) => fmtInt(r.responses) },
    {
      key: 'nps',
      label: 'NPS (95% CI)',
      numeric: true,
      value: (r) => r.nps?.score,
      render: (r) => (r.nps ? `${npsFmt(r.nps.score)} (${interval(r.nps.interval, npsFmt)})` : '–'),
    },
    {
      key: 'csat',
      label: 'CSAT (95% CI)',
      numeric: true,
      value: (r) => r.csat?.score,
      render: (r) => (r.csat ? `${csatFmt(r.csat.score)} (${interval(r.csat.interval, csatFmt)})` : '–'),
    },
    {
      key: 'ces',
      label: 'CES (95% CI)',
      numeric: true,
      value: (r) => r.ces?.average,
      render: (r) => (r.ces ? `${cesFmt(r.ces.average)} (${interval(r.ces.interval, cesFmt)})` : '–'),
    },
  ];
}

export function Feedback() {
  const f = useFilters();
  const report = useData(filtersKey(f), (s) => post<FeedbackReport>('/api/v1/feedback', scopeBody(f), s));
  const r = report.data;
  // The same report over the previous period of equal length, for the comparison switch.
  const previous = useData(f.compare ? `prev:${filtersKey(f)}` : null, (s) =>
    post<FeedbackReport>('/api/v1/feedback', scopeBody({ ...f, ...previousRange(f) }), s),
  );
  const p = f.compare ? previous.data : undefined;
  /** " · previous period X (±change)" when comparing and the previous period has the score. */
  const versus = (now: number | undefined, before: number | undefined, fmt: (v: number) => string, diff: (v: number) => string) =>
    versusPrevious(f.compare, now, before, fmt, diff);
  const signed = (digits: number) => (v: number) => `${v >= 0 ? '+' : '−'}${fmtNum(Math.abs(v), digits)}`;
  const timeRef = useRef<ChartHandle>(null);
  const stageRows: Row[] = (r?.byStage ?? []).map((s) => ({ ...s, key: s.stage }));
  const touchRows: Row[] = (r?.byTouchpoint ?? []).map((s) => ({ ...s, key: s.touchpoint })).sort((a, b) => b.responses - a.responses);

  // NPS per stage over equal slices of the range; the tooltip gives each point's 95% interval and responses.
  const slices = useMemo(() => [...new Set((r?.overTime ?? []).map((t) => t.from))].sort(), [r]);
  const notes = useAnnotations(f.from, f.to);
  const option = useMemo<ChartOption>(() => {
    const stages = [...new Set((r?.overTime ?? []).map((t) => t.stage))];
    const at = new Map((r?.overTime ?? []).map((t) => [`${t.stage}\u0000${t.from}`, t]));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesName: string; dataIndex: number }) => {
          const t = at.get(`${p.seriesName}\u0000${slices[p.dataIndex]}`);
          if (!t?.nps) return p.seriesName;
          return `${p.seriesName}, from ${slices[p.dataIndex]!.slice(0, 10)}<br/>NPS ${npsFmt(t.nps.score)} (95% CI ${interval(t.nps.interval, npsFmt)})<br/>${fmtInt(t.nps.responses)} NPS responses${t.csat ? `<br/>CSAT ${csatFmt(t.csat.score)} (${interval(t.csat.interval, csatFmt)})` : ''}`;
        },
      },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 44, right: 16, top: 34, bottom: 28 },
      xAxis: { type: 'category', data: slices.map((x) => x.slice(0, 10)) },
      yAxis: { type: 'value', name: 'NPS', min: -100, max: 100 },
      series: [
        ...stages.map((stage, i) => ({
          name: stage,
          type: 'line',
          connectNulls: true,
          // Annotations once, on the first stage's line.
          ...(i === 0
            ? annotationMarks(
                notes.data,
                slices.map((x) => x.slice(0, 10)),
              )
            : {}),
          data: slices.map((from) => {
            const t = at.get(`${stage}\u0000${from}`);
            return t?.nps ? Math.round(t.nps.score) : null;
          }),
        })),
        // Slice for slice: the k-th slice of the previous period under the k-th of this one.
        ...(p
          ? (() => {
              const prevSlices = [...new Set(p.overTime.map((t) => t.from))].sort();
              const prevAt = new Map(p.overTime.map((t) => [`${t.stage}\u0000${t.from}`, t]));
              return stages.map((stage) => ({
                name: `${stage} (previous period)`,
                type: 'line',
                connectNulls: true,
                showSymbol: false,
                lineStyle: { type: 'dashed', opacity: 0.6 },
                data: slices.map((_, i) => {
                  const t = prevSlices[i] === undefined ? undefined : prevAt.get(`${stage}\u0000${prevSlices[i]}`);
                  return t?.nps ? Math.round(t.nps.score) : null;
                }),
              }));
            })()
          : []),
      ],
    };
  }, [r, p, slices, notes.data]);

  return (
    <Stack gap="md">
      <Title order={2}>Feedback</Title>
      <FilterBar />
      {report.error ? (
        <ErrorNote error={report.error} />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" className="wm-panel" data-stale={report.stale ? '1' : undefined}>
          <StatCard
            className="wm-panel-body"
            label="NPS"
            value={r?.total.nps ? npsFmt(r.total.nps.score) : '–'}
            note={
              r?.total.nps
                ? `95% CI ${interval(r.total.nps.interval, npsFmt)} · ${fmtInt(r.total.nps.responses)} responses${versus(r.total.nps.score, p?.total.nps?.score, npsFmt, signed(0))}`
                : 'no NPS responses'
            }
          />
          <StatCard
            className="wm-panel-body"
            label="CSAT (share 4–5 of 5)"
            value={r?.total.csat ? csatFmt(r.total.csat.score) : '–'}
            note={
              r?.total.csat
                ? `95% CI ${interval(r.total.csat.interval, csatFmt)} · ${fmtInt(r.total.csat.responses)} responses${versus(r.total.csat.score, p?.total.csat?.score, csatFmt, (v) => fmtPoints(v, 0))}`
                : 'no CSAT responses'
            }
          />
          <StatCard
            className="wm-panel-body"
            label="CES (1–7, lower is easier)"
            value={r?.total.ces ? cesFmt(r.total.ces.average) : '–'}
            note={
              r?.total.ces
                ? `95% CI ${interval(r.total.ces.interval, cesFmt)} · ${fmtInt(r.total.ces.responses)} responses${versus(r.total.ces.average, p?.total.ces?.average, cesFmt, signed(2))}`
                : 'no CES responses'
            }
          />
          <StatCard
            className="wm-panel-body"
            label="Comments"
            value={r ? fmtInt(r.comments) : '–'}
            note={
              r
                ? `of ${fmtInt(r.total.responses)} responses${versus(r.comments, p?.comments, fmtInt, (v) => fmtChange(p && p.comments > 0 ? v / p.comments : null))}`
                : ''
            }
          />
        </SimpleGrid>
      )}
      <Panel
        title="NPS by stage over time"
        name="feedback-over-time"
        loading={report.loading && !r}
        stale={report.stale}
        error={report.error}
        chart={timeRef}
        empty={r && slices.length === 0 && 'No survey responses in this range.'}
      >
        <Chart ref={timeRef} option={option} label="NPS by journey stage over time" />
        <Text size="xs" c="dimmed">
          Hover a point for its 95% interval and number of responses. CSAT everywhere is the share of scores 4–5 of 5 (Overview, journey
          map, here).
        </Text>
      </Panel>
      <Panel
        title="By journey stage"
        name="feedback-by-stage"
        loading={report.loading && !r}
        stale={report.stale}
        error={report.error}
        rows={stageRows}
        columns={scoreColumns('Stage')}
      >
        <DataTable rows={stageRows} columns={scoreColumns('Stage')} caption="feedback by stage" />
      </Panel>
      <Panel
        title="By touchpoint"
        name="feedback-by-touchpoint"
        loading={report.loading && !r}
        stale={report.stale}
        error={report.error}
        rows={touchRows}
        columns={scoreColumns('Touchpoint')}
      >
        <DataTable rows={touchRows} columns={scoreColumns('Touchpoint')} caption="feedback by touchpoint" maxRows={30} />
      </Panel>
      <Panel
        title="Themes in the comments"
        name="feedback-themes"
        loading={report.loading && !r}
        stale={report.stale}
        error={report.error}
        empty={r && r.themes.length === 0 && 'No comments to read themes from.'}
      >
        <Stack gap="xs">
          {(r?.themes ?? []).slice(0, 12).map((t, i) => (
            <Card key={i} withBorder p="xs">
              <Group justify="space-between" wrap="wrap">
                <Text fw={600}>{t.theme}</Text>
                <Group gap={6}>
                  <Badge variant="light">{fmtInt(t.mentions)} mentions</Badge>
                  <Badge variant="light" color={t.sentiment < 0 ? 'red' : 'teal'}>
                    {fmtPct(t.negativeShare, 0)} negative
                  </Badge>
                  {t.trend.direction !== 'unknown' && (
                    <Badge variant="outline" color="gray">
                      {t.trend.direction}
                    </Badge>
                  )}
                </Group>
              </Group>
              {t.examples.slice(0, 2).map((c, k) => (
                <Text key={k} size="sm" c="dimmed">
                  “{c}”
                </Text>
              ))}
            </Card>
          ))}
        </Stack>
      </Panel>
    </Stack>
  );
}

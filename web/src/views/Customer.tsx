/** Customer: find a person; their cross-channel timeline with stage transitions. */
import { useMemo, useRef, useState } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { get } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtInt, fmtMoney } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { CustomerSearchResult as SearchResult, CustomerTimeline, TimelineEvent } from '../../../src/analysis/customer-timeline.ts';

const COLORS = ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#e64980', '#82c91e', '#868e96', '#fd7e14'];

export function Customer() {
  const { params } = useLocation();
  const { project } = useSession();
  const cur = project.settings.reportingCurrency;
  const q = params.get('q') ?? '';
  const person = params.get('person') ?? '';
  const [text, setText] = useState(q);
  // With no search yet, list the most recently seen customers who bought something.
  const results = useData(`search:${q}`, (s) =>
    get<{ customers: SearchResult[] }>(`/api/v1/customers?q=${encodeURIComponent(q || '@')}&limit=20`, s).then((r) => r.customers),
  );
  const timeline = useData(person ? `tl:${person}` : null, (s) =>
    get<CustomerTimeline>(`/api/v1/customers/${encodeURIComponent(person)}/timeline?limit=500`, s),
  );
  const ref = useRef<ChartHandle>(null);
  const t = timeline.data;
  const channels = useMemo(() => [...new Set((t?.events ?? []).map((e) => e.touchpoint || e.channel || 'Web'))], [t]);
  const option = useMemo<ChartOption>(() => {
    if (!t) return {};
    const stageMarks = t.stages.filter((s) => s.enteredAt).map((s) => ({ name: s.name, xAxis: s.enteredAt }));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { data: { ev: TimelineEvent } }) =>
          `${p.data.ev.timestamp.slice(0, 16).replace('T', ' ')}<br/>${p.data.ev.event}${p.data.ev.revenue ? ` · ${fmtMoney(p.data.ev.revenue, cur)}` : ''}`,
      },
      grid: { left: 130, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', data: channels },
      series: [
        {
          type: 'scatter',
          symbolSize: (v: unknown, p: { data: { ev: TimelineEvent } }) => (p.data.ev.revenue ? 16 : 9),
          data: t.events.map((e) => ({
            value: [e.timestamp, e.touchpoint || e.channel || 'Web'],
            ev: e,
            itemStyle: { color: e.revenue ? '#12b886' : COLORS[channels.indexOf(e.touchpoint || e.channel || 'Web') % COLORS.length] },
          })),
          markLine: {
            symbol: 'none',
            lineStyle: { color: '#e8590c', type: 'dashed' },
            label: { formatter: '{b}', fontSize: 10, color: '#c2410c' },
            data: stageMarks,
          },
        },
      ],
    };
  }, [t, channels, cur]);
  const cols: DisplayColumn<TimelineEvent>[] = [
    { key: 'timestamp', label: 'Time', value: (e) => e.timestamp.slice(0, 19).replace('T', ' ') },
    { key: 'touchpoint', label: 'Touchpoint', value: (e) => e.touchpoint || e.channel },
    { key: 'event', label: 'Event', value: (e) => e.event },
    { key: 'path', label: 'Page', value: (e) => e.path },
    {
      key: 'revenue',
      label: 'Revenue',
      numeric: true,
      value: (e) => e.revenue,
      render: (e) => (e.revenue ? fmtMoney(e.revenue, cur) : ''),
    },
    { key: 'stage', label: 'Stage', value: (e) => e.stage ?? '' },
  ];
  const resultCols: DisplayColumn<SearchResult>[] = [
    { key: 'personId', label: 'Person', value: (r) => r.personId },
    { key: 'email', label: 'Email', value: (r) => r.email },
    { key: 'orders', label: 'Orders', numeric: true, value: (r) => r.orders },
    { key: 'revenue', label: 'Revenue', numeric: true, value: (r) => r.revenue, render: (r) => fmtMoney(r.revenue, cur) },
    { key: 'lastSeen', label: 'Last seen', value: (r) => r.lastSeen.slice(0, 10) },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Customer</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: text || undefined });
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Find a person"
            description="Id prefix, email or name"
            size="xs"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={320}
            maw="100%"
          />
          <Button type="submit" size="xs">
            Search
          </Button>
        </Group>
      </form>
      {!person && (
        <Panel
          title={q ? `People matching “${q}”` : 'Recently seen people'}
          name="customers"
          loading={results.loading}
          stale={results.stale}
          error={results.error}
          rows={results.data}
          columns={resultCols}
          empty={results.data?.length === 0 && 'Nobody matches: try part of an email address or a user id.'}
        >
          <DataTable
            rows={results.data ?? []}
            columns={resultCols}
            caption="customers"
            onRowClick={(r) => setParams({ person: r.personId })}
          />
          <Text size="xs" c="dimmed">
            Choose a row to open the timeline.
          </Text>
        </Panel>
      )}
      {person && (
        <>
          <Group>
            <Button size="xs" variant="subtle" onClick={() => setParams({ person: undefined })}>
              ← Back to results
            </Button>
          </Group>
          {t && (
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <Card withBorder p="sm">
                <Text size="xs" c="dimmed">
                  Person
                </Text>
                <Text fw={600} style={{ wordBreak: 'break-all' }}>
                  {String(t.traits.email ?? t.userIds[0] ?? t.personId)}
                </Text>
              </Card>
              <Card withBorder p="sm">
                <Text size="xs" c="dimmed">
                  Orders
                </Text>
                <Text fw={600} data-testid="customer-orders">
                  {fmtInt(t.totals.orders)}
                </Text>
              </Card>
              <Card withBorder p="sm">
                <Text size="xs" c="dimmed">
                  Revenue
                </Text>
                <Text fw={600} data-testid="customer-revenue">
                  {fmtMoney(t.totals.revenue, cur)}
                </Text>
              </Card>
              <Card withBorder p="sm">
                <Text size="xs" c="dimmed">
                  Seen
                </Text>
                <Text fw={600}>
                  {t.totals.firstSeen.slice(0, 10)} → {t.totals.lastSeen.slice(0, 10)}
                </Text>
              </Card>
            </SimpleGrid>
          )}
          <Panel
            title={t ? `Journey: ${t.journey.name}` : 'Journey'}
            name="customer-stages"
            loading={timeline.loading}
            stale={timeline.stale}
            error={timeline.error}
          >
            {t && (
              <Group gap="xs" wrap="wrap" aria-label="Stages reached">
                {t.stages.map((s, i) => (
                  <Badge key={s.id} size="lg" variant={s.enteredAt ? 'filled' : 'outline'} color={s.enteredAt ? 'indigo' : 'gray'}>
                    {i + 1}. {s.name}
                    {s.enteredAt ? ` · ${s.enteredAt.slice(0, 10)}` : ''}
                  </Badge>
                ))}
              </Group>
            )}
          </Panel>
          <Panel
            title="Cross-channel timeline"
            name="customer-timeline"
            loading={timeline.loading}
            stale={timeline.stale}
            error={timeline.error}
            rows={t?.events}
            columns={cols}
            chart={ref}
          >
            <Chart
              ref={ref}
              option={option}
              height={Math.max(220, channels.length * 36 + 80)}
              label="Events of this person per touchpoint over time, stage entries dashed"
            />
            <DataTable rows={[...(t?.events ?? [])].reverse()} columns={cols} caption="timeline" maxRows={300} />
          </Panel>
        </>
      )}
    </Stack>
  );
}

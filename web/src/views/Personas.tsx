/**
 * Personas discovered from behaviour (POST /api/v1/personas/discover): how k was chosen, one
 * profile card per persona (size, value, channels, stage conversion, NPS, themes), and the two
 * ways to keep one: as an editable rule persona (its suggested segment) or as an audience whose
 * members are re-assigned to the nearest persona in the database at each evaluation.
 */
import { useMemo, useRef, useState } from 'react';
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ApiError, post } from '../api.ts';
import { Chart, type ChartHandle, type ChartOption } from '../components/Chart.tsx';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { useData, useSession } from '../data.ts';
import { fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import type { DiscoverResult, PersonaCard } from '../../../src/personas/discover.ts';

type KRow = DiscoverResult['silhouetteByK'][number];

export function Personas() {
  const { project, refresh } = useSession();
  const cur = project.settings.reportingCurrency;
  const found = useData('personas:discover', (s) => post<DiscoverResult>('/api/v1/personas/discover', {}, s));
  const r = found.data;
  const [saved, setSaved] = useState<Record<string, string>>({});
  const kRef = useRef<ChartHandle>(null);
  const kChart = useMemo<ChartOption>(() => {
    const rows = r?.silhouetteByK ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 30, bottom: 36 },
      xAxis: { type: 'category', name: 'k', data: rows.map((x) => x.k) },
      yAxis: [
        { type: 'value', name: 'silhouette' },
        { type: 'value', name: 'BIC', scale: true },
      ],
      series: [
        { name: 'Silhouette', type: 'line', data: rows.map((x) => Math.round(x.silhouette * 1000) / 1000) },
        ...(rows.some((x) => x.bic !== undefined)
          ? [{ name: 'BIC', type: 'line', yAxisIndex: 1, data: rows.map((x) => (x.bic === undefined ? null : Math.round(x.bic))) }]
          : []),
      ],
    };
  }, [r]);

  const keep = async (card: PersonaCard, as: 'persona' | 'audience') => {
    const key = `${card.cluster}:${as}`;
    try {
      if (as === 'persona') {
        const p = await post<{ id: string }>('/api/v1/personas', { name: card.name, segment: card.suggestedSegment });
        setSaved((s) => ({ ...s, [key]: `Saved as persona "${p.id}"` }));
        refresh();
      } else {
        const a = await post<{ id: string }>('/api/v1/audiences', {
          name: card.name,
          source: { kind: 'model', model: 'discovered-persona', params: { model: r!.model, cluster: card.cluster } },
        });
        setSaved((s) => ({ ...s, [key]: `Saved as audience "${a.id}"` }));
      }
    } catch (e) {
      setSaved((s) => ({ ...s, [key]: e instanceof ApiError ? `Not saved: ${e.message}` : String(e) }));
    }
  };

  const kCols: DisplayColumn<KRow>[] = [
    { key: 'k', label: 'k', numeric: true, value: (x) => x.k },
    { key: 'silhouette', label: 'Silhouette', numeric: true, value: (x) => x.silhouette, render: (x) => fmtNum(x.silhouette, 3) },
    { key: 'bic', label: 'BIC', numeric: true, value: (x) => x.bic ?? null, render: (x) => fmtInt(x.bic ?? null) },
    { key: 'inertia', label: 'Within-cluster sum of squares', numeric: true, value: (x) => x.inertia, render: (x) => fmtInt(x.inertia) },
  ];
  const personaCols: DisplayColumn<PersonaCard>[] = [
    { key: 'name', label: 'Persona', value: (p) => p.name },
    { key: 'size', label: 'Persons', numeric: true, value: (p) => p.size },
    { key: 'share', label: 'Share', numeric: true, value: (p) => p.share },
    { key: 'revenue', label: `Revenue per person (${cur})`, numeric: true, value: (p) => p.value.revenuePerPerson },
    { key: 'buyers', label: 'Buyers', numeric: true, value: (p) => p.value.buyerShare },
    { key: 'nps', label: 'NPS', numeric: true, value: (p) => p.nps.score },
  ];

  return (
    <Stack gap="md">
      <Title order={2}>Personas</Title>
      <Text size="sm" c="dimmed">
        Persons who viewed a product, clustered on how they shop: product categories, device, orders and spend, recency and recent activity
        (channels, stage reached and feedback are shown on each card). Each persona is named after the features that set it apart most. Save
        one as a rule persona to filter every view by it, or as an audience to export it and send its changes to webhooks.
      </Text>
      {found.error ? (
        <ErrorNote error={found.error} />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <StatCard className="stat-k" label="Personas found" value={r ? fmtInt(r.k) : '…'} note={r ? kNote(r) : ''} />
          <StatCard
            className="stat-persons"
            label="Persons clustered"
            value={r ? fmtInt(r.sampled) : '…'}
            note={
              r
                ? `of ${fmtInt(r.persons)}; ${fmtInt(r.unclustered)} without a product view${r.sampled < r.persons - r.unclustered ? ', the rest a sample' : ''}`
                : ''
            }
          />
          <StatCard
            label="Silhouette at chosen k"
            value={r ? fmtNum(r.silhouetteByK.find((x) => x.k === r.k)?.silhouette ?? null, 2) : '…'}
            note="−1 to 1; above 0.25 means some real structure"
          />
          <StatCard
            className="stat-bic"
            label="k by BIC"
            value={r?.bicK !== undefined ? fmtInt(r.bicK) : '–'}
            note={r?.bicK !== undefined ? (r.bicK === r.silhouetteK ? 'agrees with silhouette' : 'differs from silhouette') : ''}
          />
        </SimpleGrid>
      )}
      {r && r.silhouetteByK.find((x) => x.k === r.k)!.silhouette < 0.25 && (
        <Alert color="yellow" title="Weak structure">
          The best silhouette is below 0.25: persons form a continuum more than separate groups. Read the personas as slices of that
          continuum, not as distinct kinds of customer.
        </Alert>
      )}
      <Panel
        title="Choosing the number of personas"
        name="persona-k"
        loading={found.loading}
        error={found.error}
        chart={kRef}
        rows={r?.silhouetteByK}
        columns={kCols}
      >
        <Chart ref={kRef} option={kChart} height={220} label="Silhouette and BIC by number of personas" />
        <DataTable rows={r?.silhouetteByK ?? []} columns={kCols} caption="personas by k" />
      </Panel>
      <Panel
        title="Discovered personas"
        name="personas"
        loading={found.loading}
        error={found.error}
        rows={r?.personas}
        columns={personaCols}
      >
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
          {(r?.personas ?? []).map((p) => (
            <Card key={p.cluster} withBorder p="sm" radius="md" data-testid={`persona-card-${p.cluster}`}>
              <Group justify="space-between" wrap="wrap" gap={4} mb={4}>
                <Text fw={700} data-testid={`persona-${p.cluster}-name`}>
                  {p.name}
                </Text>
                <Badge variant="light">
                  <span data-testid={`persona-${p.cluster}-size`}>{fmtInt(p.size)}</span> persons · {fmtPct(p.share, 0)}
                </Badge>
              </Group>
              <SimpleGrid cols={3} spacing={4}>
                <Figure label="Revenue per person" value={fmtMoney(p.value.revenuePerPerson, cur)} id={`persona-${p.cluster}-revenue`} />
                <Figure label="Share of revenue" value={fmtPct(p.value.revenueShare, 0)} id={`persona-${p.cluster}-revenue-share`} />
                <Figure label="Buyers" value={fmtPct(p.value.buyerShare, 0)} id={`persona-${p.cluster}-buyers`} />
                <Figure label="Added to cart" value={fmtPct(p.stageConversion.addedToCart, 0)} id={`persona-${p.cluster}-cart`} />
                <Figure label="Mobile" value={fmtPct(p.mobileShare, 0)} id={`persona-${p.cluster}-mobile`} />
                <Figure
                  label={`NPS (${fmtInt(p.nps.respondents)} answers)`}
                  value={p.nps.score === null ? '–' : fmtNum(p.nps.score, 0)}
                  id={`persona-${p.cluster}-nps`}
                />
              </SimpleGrid>
              <Text size="xs" mt={6}>
                <b>Channels:</b> {p.topChannels.map((c) => `${c.channel} ${fmtPct(c.share, 0)}`).join(', ') || '–'}
              </Text>
              {p.topCategories.length > 0 && (
                <Text size="xs">
                  <b>Categories viewed:</b> {p.topCategories.map((c) => `${c.category} ${fmtPct(c.share, 0)}`).join(', ')}
                </Text>
              )}
              {p.themes.length > 0 && (
                <Text size="xs">
                  <b>Said:</b> {p.themes.map((t) => `“${t.comment}” (${t.count})`).join('; ')}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                Sets it apart (vs everyone, in standard deviations):{' '}
                {p.distinguishing.map((d) => `${featureLabel(d.feature, r!)} ${d.z > 0 ? '+' : '−'}${fmtNum(Math.abs(d.z), 1)}`).join(', ')}
              </Text>
              <Group gap="xs" mt={6}>
                <Button size="compact-xs" variant="default" onClick={() => void keep(p, 'persona')}>
                  Save as persona
                </Button>
                <Button size="compact-xs" variant="default" onClick={() => void keep(p, 'audience')}>
                  Save as audience
                </Button>
              </Group>
              {(saved[`${p.cluster}:persona`] || saved[`${p.cluster}:audience`]) && (
                <Text size="xs" c="teal" role="status">
                  {[saved[`${p.cluster}:persona`], saved[`${p.cluster}:audience`]].filter(Boolean).join(' · ')}
                </Text>
              )}
            </Card>
          ))}
        </SimpleGrid>
      </Panel>
    </Stack>
  );
}

const FEATURE_LABEL: Record<string, string> = {
  recency_days: 'days since last seen',
  log_orders: 'orders',
  log_revenue: 'spend',
  log_events_30d: 'activity in the last 30 days',
  stage_viewed: 'viewed a product',
  stage_cart: 'added to cart',
  stage_checkout: 'reached checkout',
  mobile_share: 'mobile use',
  has_feedback: 'gave feedback',
  feedback_score: 'feedback score',
};

/** A clustering feature in words: channel and category columns by their names. */
function featureLabel(feature: string, r: DiscoverResult): string {
  if (feature.startsWith('ch_')) return `arrives via ${r.model.channels[Number(feature.slice(3))] ?? feature}`;
  if (feature.startsWith('cat_')) return `views ${r.model.categories[Number(feature.slice(4))] ?? feature}`;
  return FEATURE_LABEL[feature] ?? feature;
}

function kNote(r: DiscoverResult): string {
  return r.criterion === 'silhouette' ? 'k with the best silhouette' : `k by ${r.criterion}`;
}

function Figure({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} data-testid={id}>
        {value}
      </Text>
    </div>
  );
}

/**
 * Audiences: saved lists of persons built from a persona, a propensity decile or an uplift
 * segment (discovered personas and drill-down lists are saved from their own pages), their size,
 * membership history (who joined and left at each re-evaluation), CSV / Segment export and the
 * delivery state of their webhooks.
 */
import { useState } from 'react';
import { Badge, Button, Group, NumberInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { ApiError, get, post } from '../api.ts';
import { DataTable, type DisplayColumn } from '../components/DataTable.tsx';
import { ErrorNote, Panel } from '../components/Panel.tsx';
import { useData, useSession } from '../data.ts';
import { fmtInt } from '../format.ts';
import { setParams, useLocation } from '../url-state.ts';
import type { SavedAudience } from '../../../src/audiences/audiences.ts';
import type { HistoryRow } from '../../../src/audiences/export.ts';
import type { SyncResult, SyncState } from '../../../src/audiences/sync.ts';
import type { DeliveryLogEntry } from '../../../src/audiences/webhooks.ts';

type Detail = SavedAudience & { size: number; lastSync: SyncState | null };
type Run = { runId: string; at: string; joined: number; left: number };

function sourceText(a: SavedAudience): string {
  const s = a.source;
  if (s.kind === 'persona') return `persona ${s.persona}`;
  if (s.kind === 'segment') return `rule segment (${s.segment.rules.length} rules)`;
  if (s.kind === 'analysis') return `drill-down of ${s.analysis}`;
  const p = s.params as Record<string, unknown>;
  if (s.model === 'propensity')
    return `propensity ${p.target ?? 'purchase'} ${p.days ?? 30}d, deciles ${(p.deciles as number[])?.join(',') ?? 'all'}`;
  if (s.model === 'uplift') return `uplift ${p.experiment} ${p.segment ?? 'persuadables'}`;
  if (s.model === 'discovered-persona') return `discovered persona #${p.cluster}`;
  return s.model;
}

export function Audiences() {
  const { params } = useLocation();
  const [version, setVersion] = useState(0);
  const list = useData(`audiences:${version}`, (s) => get<{ audiences: SavedAudience[] }>('/api/v1/audiences', s).then((r) => r.audiences));
  const selected = params.get('audience') ?? list.data?.[0]?.id ?? null;
  const cols: DisplayColumn<SavedAudience>[] = [
    { key: 'name', label: 'Audience', value: (a) => a.name },
    { key: 'id', label: 'Id', value: (a) => a.id },
    { key: 'source', label: 'Built from', value: sourceText },
    { key: 'refresh', label: 'Re-evaluated', value: (a) => (a.refreshMinutes ? `every ${a.refreshMinutes} min` : 'on demand') },
    { key: 'webhooks', label: 'Webhooks', numeric: true, value: (a) => a.webhooks.length },
  ];
  return (
    <Stack gap="md">
      <Title order={2}>Audiences</Title>
      <Text size="sm" c="dimmed">
        An audience is a saved definition; its members are computed in the database each time it is re-evaluated, and every join and leave
        is recorded and sent to its webhooks. Discovered personas are saved from the Personas page, uplift segments from the Uplift page.
      </Text>
      <Create onCreated={(id) => (setVersion((v) => v + 1), setParams({ audience: id }))} />
      <Panel title="Saved audiences" name="audiences" loading={list.loading} error={list.error} rows={list.data} columns={cols}>
        {list.data && list.data.length === 0 ? (
          <Text size="sm">No audiences yet.</Text>
        ) : (
          <DataTable rows={list.data ?? []} columns={cols} caption="audiences" onRowClick={(a) => setParams({ audience: a.id })} />
        )}
      </Panel>
      {selected && <AudienceDetail id={selected} />}
    </Stack>
  );
}

function Create({ onCreated }: { onCreated: (id: string) => void }) {
  const { personas } = useSession();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'persona' | 'propensity' | 'uplift'>('propensity');
  const [persona, setPersona] = useState<string | null>(personas[0]?.id ?? null);
  const [decile, setDecile] = useState<number>(1);
  const [experiment, setExperiment] = useState('');
  const [msg, setMsg] = useState('');
  const create = async () => {
    const source =
      kind === 'persona'
        ? { kind: 'persona', persona }
        : kind === 'propensity'
          ? { kind: 'model', model: 'propensity', params: { target: 'purchase', days: 30, deciles: [decile] } }
          : { kind: 'model', model: 'uplift', params: { experiment, segment: 'persuadables' } };
    try {
      const a = await post<{ id: string }>('/api/v1/audiences', { name, source });
      setMsg(`Created "${a.id}"`);
      onCreated(a.id);
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <Panel title="New audience" name="audience-new">
      <Group align="end" gap="sm">
        <TextInput label="Name" size="xs" value={name} onChange={(e) => setName(e.currentTarget.value)} w={200} />
        <Select
          label="Built from"
          size="xs"
          w={200}
          data={[
            { value: 'propensity', label: 'Propensity decile' },
            { value: 'persona', label: 'Saved persona' },
            { value: 'uplift', label: 'Uplift persuadables' },
          ]}
          value={kind}
          onChange={(v) => v && setKind(v as typeof kind)}
          allowDeselect={false}
        />
        {kind === 'persona' && (
          <Select
            label="Persona"
            size="xs"
            w={200}
            data={personas.map((p) => ({ value: p.id, label: p.name }))}
            value={persona}
            onChange={setPersona}
          />
        )}
        {kind === 'propensity' && (
          <NumberInput
            label="Purchase-propensity decile (1 = most likely)"
            size="xs"
            w={240}
            min={1}
            max={10}
            value={decile}
            onChange={(v) => setDecile(Number(v) || 1)}
          />
        )}
        {kind === 'uplift' && (
          <TextInput label="Experiment id" size="xs" w={200} value={experiment} onChange={(e) => setExperiment(e.currentTarget.value)} />
        )}
        <Button size="xs" onClick={() => void create()} disabled={!name}>
          Create
        </Button>
      </Group>
      {msg && (
        <Text size="xs" role="status">
          {msg}
        </Text>
      )}
    </Panel>
  );
}

function AudienceDetail({ id }: { id: string }) {
  const [version, setVersion] = useState(0);
  const [msg, setMsg] = useState('');
  const path = `/api/v1/audiences/${encodeURIComponent(id)}`;
  const detail = useData(`audience:${id}:${version}`, (s) => get<Detail>(path, s));
  const history = useData(`audience-history:${id}:${version}`, (s) =>
    get<{ changes: HistoryRow[]; runs: Run[] }>(`${path}/history?limit=200`, s),
  );
  const deliveries = useData(`audience-deliveries:${id}:${version}`, (s) =>
    get<{ deliveries: DeliveryLogEntry[] }>(`${path}/deliveries`, s).then((r) => r.deliveries),
  );
  const d = detail.data;
  const sync = async () => {
    try {
      const r = await post<SyncResult>(`${path}/sync`, {});
      setMsg(`Re-evaluated: ${fmtInt(r.joined)} joined, ${fmtInt(r.left)} left, ${fmtInt(r.size)} members`);
      setVersion((v) => v + 1);
    } catch (e) {
      setMsg(e instanceof ApiError ? e.message : String(e));
    }
  };
  const runCols: DisplayColumn<Run>[] = [
    { key: 'at', label: 'Re-evaluated at', value: (r) => r.at },
    { key: 'joined', label: 'Joined', numeric: true, value: (r) => r.joined, render: (r) => fmtInt(r.joined) },
    { key: 'left', label: 'Left', numeric: true, value: (r) => r.left, render: (r) => fmtInt(r.left) },
  ];
  const changeCols: DisplayColumn<HistoryRow>[] = [
    { key: 'at', label: 'When', value: (c) => c.changedAt },
    { key: 'person', label: 'Person', value: (c) => c.personId },
    { key: 'change', label: 'Change', value: (c) => c.change },
  ];
  const deliveryCols: DisplayColumn<DeliveryLogEntry>[] = [
    { key: 'at', label: 'When', value: (x) => x.at },
    { key: 'url', label: 'Webhook', value: (x) => x.url },
    { key: 'attempt', label: 'Attempt', numeric: true, value: (x) => x.attempt },
    { key: 'status', label: 'HTTP status', numeric: true, value: (x) => x.status },
    { key: 'outcome', label: 'Outcome', value: (x) => x.outcome },
  ];
  const dead = (deliveries.data ?? []).filter((x) => x.outcome === 'dead').length;
  return (
    <>
      <Panel
        title={`Audience: ${d?.name ?? id}`}
        name={`audience-${id}`}
        loading={detail.loading}
        error={detail.error}
        actions={
          <>
            <Button size="compact-xs" variant="default" onClick={() => void sync()}>
              Re-evaluate now
            </Button>
            <Button size="compact-xs" variant="default" component="a" href={`${path}/export?format=csv`} download>
              Export CSV
            </Button>
            <Button size="compact-xs" variant="default" component="a" href={`${path}/export?format=segment`} download>
              Segment identify calls
            </Button>
          </>
        }
      >
        {d && (
          <Group gap="lg">
            <Text size="sm">
              Members: <b data-testid="audience-size">{fmtInt(d.size)}</b>
            </Text>
            <Text size="sm">Built from: {sourceText(d)}</Text>
            <Text size="sm">
              Last re-evaluation:{' '}
              {d.lastSync ? `${d.lastSync.lastRunAt} (+${fmtInt(d.lastSync.joined)} / −${fmtInt(d.lastSync.left)})` : 'never'}
            </Text>
            <Text size="sm">
              Webhooks: {d.webhooks.length === 0 ? 'none' : d.webhooks.map((w) => w.url).join(', ')}{' '}
              {dead > 0 && (
                <Badge color="red" variant="light">
                  {dead} dead letters
                </Badge>
              )}
            </Text>
          </Group>
        )}
        {msg && (
          <Text size="xs" c="teal" role="status">
            {msg}
          </Text>
        )}
      </Panel>
      <Panel
        title="Membership history"
        name={`audience-${id}-runs`}
        loading={history.loading}
        error={history.error}
        rows={history.data?.runs}
        columns={runCols}
        empty={history.data && history.data.runs.length === 0 && 'Not re-evaluated yet.'}
      >
        <DataTable rows={history.data?.runs ?? []} columns={runCols} caption="audience runs" />
        <DataTable rows={history.data?.changes ?? []} columns={changeCols} caption="audience changes" maxRows={50} />
      </Panel>
      <Panel
        title="Webhook deliveries"
        name={`audience-${id}-deliveries`}
        loading={deliveries.loading}
        rows={deliveries.data}
        columns={deliveryCols}
        empty={deliveries.data && deliveries.data.length === 0 && 'No deliveries.'}
      >
        {deliveries.error ? <ErrorNote error={deliveries.error} /> : null}
        <DataTable rows={deliveries.data ?? []} columns={deliveryCols} caption="audience deliveries" />
      </Panel>
    </>
  );
}

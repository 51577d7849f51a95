/**
 * The people behind a number: any count on any view opens this drawer with the persons it
 * counts (POST /api/v1/people, computed by the same SQL as the number), a page at a time, with a
 * link to each timeline, CSV export and "save as cohort".
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert, Anchor, Button, Drawer, Group, Pagination, Stack, Text, TextInput } from '@mantine/core';
import { api, post } from '../api.ts';
import { useData, useSession } from '../data.ts';
import { fmtInt, fmtMoney } from '../format.ts';
import { navigate } from '../url-state.ts';
import { DataTable, type DisplayColumn } from './DataTable.tsx';
import { ErrorNote } from './Panel.tsx';
import type { AudienceSource } from '../../../src/audiences/definition.ts';
import type { PeoplePage, PersonRow } from '../../../src/audiences/people.ts';

export interface Drill {
  /** What the number is, e.g. "Buyers, Oct 2 – Oct 31". */
  title: string;
  source: AudienceSource;
  /** The number as shown, to say how the list relates to it. */
  count?: number;
}

const DrillContext = createContext<(d: Drill) => void>(() => {});
/** Opens the people drawer for a number: `const drill = useDrill(); drill({ title, source, count })`. */
export const useDrill = () => useContext(DrillContext);

const PAGE = 25;

export function DrillProvider({ children }: { children: ReactNode }) {
  const [drill, setDrill] = useState<Drill | null>(null);
  return (
    <DrillContext.Provider value={setDrill}>
      {children}
      <Drawer
        opened={drill !== null}
        onClose={() => setDrill(null)}
        position="right"
        // Wide enough for every column through predicted CLV on a laptop; the whole screen on a phone.
        size="min(64rem, 100vw)"
        title={drill?.title ?? ''}
        aria-label="People behind this number"
      >
        {drill && <PeopleList drill={drill} onNavigate={() => setDrill(null)} />}
      </Drawer>
    </DrillContext.Provider>
  );
}

function PeopleList({ drill, onNavigate }: { drill: Drill; onNavigate: () => void }) {
  const { project, user } = useSession();
  const cur = project.settings.reportingCurrency;
  const [page, setPage] = useState(1);
  const [name, setName] = useState(drill.title);
  const [saved, setSaved] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const key = JSON.stringify(drill.source);
  const list = useData(`people:${key}:${page}`, (s) =>
    post<PeoplePage>('/api/v1/people', { source: drill.source, offset: (page - 1) * PAGE, limit: PAGE }, s),
  );
  const total = list.data?.total;
  const open = (p: PersonRow) => {
    onNavigate();
    // The timeline, keeping the project and filters of the current address.
    const u = new URL(p.timeline, window.location.origin);
    const here = new URLSearchParams(window.location.search);
    for (const [k, v] of u.searchParams) here.set(k, v);
    navigate(`${u.pathname}?${here}`);
  };
  const cols: DisplayColumn<PersonRow>[] = [
    {
      key: 'person',
      label: 'Person',
      value: (p) => p.personId,
      render: (p) => (
        <Anchor
          href={p.timeline}
          onClick={(e) => {
            e.preventDefault();
            open(p);
          }}
        >
          {p.name || p.email || p.personId}
        </Anchor>
      ),
    },
    // In small type, so the figures (through predicted CLV) fit the drawer.
    {
      key: 'email',
      label: 'Email',
      value: (p) => p.email,
      render: (p) => (
        <Text span size="xs" c="dimmed">
          {p.email}
        </Text>
      ),
    },
    { key: 'stage', label: 'Stage', value: (p) => p.stage },
    { key: 'last', label: 'Last seen', value: (p) => p.lastSeen?.slice(0, 10) ?? '' },
    { key: 'orders', label: 'Orders', numeric: true, value: (p) => p.orders, render: (p) => fmtInt(p.orders) },
    { key: 'revenue', label: `Revenue (${cur})`, numeric: true, value: (p) => p.revenue, render: (p) => fmtMoney(p.revenue, cur) },
    // The customer models' forecast (as on the Predictions page); blank for people who never bought.
    { key: 'clv', label: `Predicted CLV (${cur})`, numeric: true, value: (p) => p.clv, render: (p) => fmtMoney(p.clv, cur) },
  ];
  const exportCsv = async () => {
    const r = await fetch('/api/v1/people/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-waymark-project': project.id },
      body: JSON.stringify({ source: drill.source }),
      credentials: 'same-origin',
    });
    const blob = await r.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'people.csv';
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const save = async () => {
    setSaveError(null);
    try {
      const r = await api<{ id: string }>('POST', '/api/v1/people/cohort', { name, source: drill.source });
      setSaved(r.id);
    } catch (e) {
      setSaveError(e);
    }
  };
  return (
    <Stack gap="sm">
      <Text size="sm" data-testid="people-total">
        {total === undefined ? 'Counting…' : `${fmtInt(total)} ${total === 1 ? 'person' : 'people'}`}
      </Text>
      {drill.count !== undefined && total !== undefined && total !== drill.count && (
        <Text size="xs" c="dimmed">
          The number counts {fmtInt(drill.count)} units (sessions or attempts); these are the distinct people behind them.
        </Text>
      )}
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : (
        <DataTable rows={list.data?.people ?? []} columns={cols} caption="people" maxRows={PAGE} />
      )}
      {total !== undefined && total > PAGE && (
        <Pagination size="sm" total={Math.ceil(total / PAGE)} value={page} onChange={setPage} aria-label="Pages" />
      )}
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Button size="xs" variant="default" onClick={() => void exportCsv()} disabled={!total}>
          Export CSV
        </Button>
        {user.role !== 'viewer' && (
          <>
            <TextInput size="xs" label="Cohort name" value={name} onChange={(e) => setName(e.currentTarget.value)} w={260} />
            <Button size="xs" onClick={() => void save()} disabled={!name.trim() || !total}>
              Save as cohort
            </Button>
          </>
        )}
      </Group>
      {saved && (
        <Alert color="teal" title="Saved">
          Saved as the audience “{saved}”: it keeps its definition, so its members follow the data.
        </Alert>
      )}
      {saveError ? <ErrorNote error={saveError} /> : null}
    </Stack>
  );
}

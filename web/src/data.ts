/** What views share: the session, the filters in the URL, and the query hook (query.ts). */
import { createContext, useContext } from 'react';
import type { ProjectSummary, User } from './api.ts';
import { addDays } from './format.ts';
import { useLocation } from './url-state.ts';

import { get } from './api.ts';
import type { EventName } from '../../src/journeys/vocabulary.ts';
import { useData } from './query.ts';
export { useData, type Loaded } from './query.ts';

/**
 * The project's event names that users act on (track, page and screen calls), busiest first, from
 * the journey editor's vocabulary (GET /api/v1/vocabulary/events); identify, alias and group calls are left out.
 */
export function useEventNames() {
  return useData('event-names', (s) =>
    get<{ events: EventName[] }>('/api/v1/vocabulary/events', s).then((r) =>
      r.events.filter((e) => !NOT_ACTIONS.has(e.type)).map((e) => e.event),
    ),
  );
}
const NOT_ACTIONS = new Set(['identify', 'alias', 'group']);

/** What every view knows: who is signed in, the project, its data range, channels and personas. */
export interface Session {
  user: User;
  projects: ProjectSummary[];
  project: ProjectSummary;
  /** first and last day with events (UTC), undefined when the project has none */
  dataRange?: { first: string; last: string; events: number };
  /** The default period of requests without from/to (scope/defaults.ts), as inclusive days. */
  defaultPeriod?: { from: string; to: string };
  channels: string[];
  personas: Array<{ id: string; name: string }>;
  refresh: () => void;
  /** Set when the dashboard was opened through a read-only shared link (one view, no drill-down, no changes). */
  shared?: { label: string; path: string; expiresAt: string };
}

export const SessionContext = createContext<Session | null>(null);
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

export interface Filters {
  from: string;
  to: string;
  compare: boolean;
  persona: string;
  channels: string[];
}

/** The filters from the URL, defaulting to the shared default period (the last 30 days of data, as API and CLI). */
export function useFilters(): Filters {
  const { params } = useLocation();
  const { dataRange, defaultPeriod } = useSession();
  const last = defaultPeriod?.to ?? dataRange?.last ?? new Date().toISOString().slice(0, 10);
  const to = params.get('to') ?? last;
  const from = params.get('from') ?? (params.get('to') ? addDays(to, -29) : (defaultPeriod?.from ?? addDays(to, -29)));
  return {
    from,
    to,
    compare: params.get('cmp') !== '0',
    persona: params.get('persona') ?? '',
    channels: (params.get('ch') ?? '').split(',').filter(Boolean),
  };
}

/** The scope fields every analysis endpoint takes: the UI's `to` is inclusive, the API's exclusive. */
export function scopeBody(f: Filters): { from: string; to: string; channels?: string[]; persona?: string } {
  return {
    from: `${f.from}T00:00:00.000Z`,
    to: `${addDays(f.to, 1)}T00:00:00.000Z`,
    ...(f.channels.length ? { channels: f.channels } : {}),
    ...(f.persona ? { persona: f.persona } : {}),
  };
}

export function previousRange(f: Filters): { from: string; to: string } {
  const days = Math.round((Date.parse(f.to) - Date.parse(f.from)) / 86_400_000) + 1;
  return { from: addDays(f.from, -days), to: addDays(f.from, -1) };
}

export function filtersKey(f: Filters): string {
  return JSON.stringify(f);
}

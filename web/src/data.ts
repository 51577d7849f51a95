/** Loading data for a view: one hook that refetches when its key changes and aborts stale requests. */
import { createContext, useContext, useEffect, useState } from 'react';
import type { ProjectSummary, User } from './api.ts';
import { addDays } from './format.ts';
import { useLocation } from './url-state.ts';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
}

export function useData<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ loading: key !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    load(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, loading: false }),
      (error) => !ac.signal.aborted && setState({ error, loading: false }),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** What every view knows: who is signed in, the project, its data range, channels and personas. */
export interface Session {
  user: User;
  projects: ProjectSummary[];
  project: ProjectSummary;
  /** first and last day with events (UTC), undefined when the project has none */
  dataRange?: { first: string; last: string; events: number };
  channels: string[];
  personas: Array<{ id: string; name: string }>;
  refresh: () => void;
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

/** The filters from the URL, defaulting to the last 30 days that have data. */
export function useFilters(): Filters {
  const { params } = useLocation();
  const { dataRange } = useSession();
  const last = dataRange?.last ?? new Date().toISOString().slice(0, 10);
  const to = params.get('to') ?? last;
  const from = params.get('from') ?? addDays(to, -29);
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

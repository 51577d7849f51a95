/**
 * The dashboard's one query layer (TanStack Query): every request is cached by project and key,
 * identical requests in flight are shared, a request no view wants any more is aborted (its
 * AbortSignal reaches fetch), and while a changed filter loads the previous answer stays on
 * screen marked stale, so panels dim instead of blanking.
 */
import { QueryClient, keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, currentProject } from './api.ts';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Analyses change only when data loads; the server answers from its own cache when it can.
      staleTime: 5 * 60_000,
      gcTime: 15 * 60_000,
      refetchOnWindowFocus: false,
      // A 4xx is an answer (bad input, no route yet), not a hiccup worth repeating.
      retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 1,
    },
  },
});

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  /** Nothing to show yet. */
  loading: boolean;
  /** What is shown belongs to the previous filters: a newer answer is on its way. */
  stale: boolean;
  reload: () => void;
}

/** Loads `key` (null: nothing to load) for the current project; keeps the previous answer while a new key loads. */
export function useData<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const q = useQuery({
    // The loader's text tells apart two loads a view keys alike (a report and its series over the same filters).
    queryKey: [currentProject(), key, load.toString()],
    queryFn: ({ signal }) => load(signal),
    enabled: key !== null,
    placeholderData: keepPreviousData,
  });
  return {
    data: key === null ? undefined : q.data,
    error: q.error ?? undefined,
    loading: key !== null && q.isPending,
    stale: key !== null && (q.isPlaceholderData || (q.isFetching && q.data !== undefined)),
    reload: () => void q.refetch(),
  };
}

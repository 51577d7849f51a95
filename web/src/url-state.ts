/**
 * The dashboard's state lives in the URL (path = view, query = filters), so every screen can be
 * shared by copying the address bar.
 */
import { useCallback, useSyncExternalStore } from 'react';

function subscribe(cb: () => void): () => void {
  window.addEventListener('popstate', cb);
  window.addEventListener('waymark:navigate', cb);
  return () => {
    window.removeEventListener('popstate', cb);
    window.removeEventListener('waymark:navigate', cb);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): { path: string; params: URLSearchParams } {
  const s = useSyncExternalStore(subscribe, snapshot);
  const u = new URL(s, window.location.origin);
  return { path: u.pathname, params: u.searchParams };
}

export function navigate(to: string, replace = false): void {
  if (to === snapshot()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event('waymark:navigate'));
}

/** Sets query parameters (undefined or '' removes one), keeping the others. */
export function setParams(changes: Record<string, string | undefined>, replace = false): void {
  const u = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  navigate(u.pathname + u.search, replace);
}

export function useParam(name: string, fallback = ''): [string, (v: string | undefined) => void] {
  const { params } = useLocation();
  const set = useCallback((v: string | undefined) => setParams({ [name]: v }), [name]);
  return [params.get(name) ?? fallback, set];
}

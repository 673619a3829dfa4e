import { useMemo, useSyncExternalStore } from 'react';

export const ROUTES = [
  { id: 'runs', hash: '#/runs', label: 'Runs' },
  { id: 'new', hash: '#/new', label: 'New run' },
  { id: 'settings', hash: '#/settings', label: 'Settings' },
] as const;
export type RouteId = (typeof ROUTES)[number]['id'];

/**
 * Where the app is: a top-level page, one run's detail (`#/runs/<id>`, under Runs in the menu), or the set-up
 * wizard opened again from Settings (`#/setup`, not in the menu).
 */
export type Route = { id: RouteId | 'setup'; runId: null } | { id: 'run'; runId: string };

export const SETUP_HASH = '#/setup';

export const runHash = (id: string): string => `#/runs/${encodeURIComponent(id)}`;

export function parseRoute(hash: string): Route {
  const run = /^#\/runs\/([^/?#]+)$/.exec(hash);
  if (run) {
    try {
      return { id: 'run', runId: decodeURIComponent(run[1]!) };
    } catch {
      return { id: 'runs', runId: null };
    }
  }
  if (hash === SETUP_HASH) return { id: 'setup', runId: null };
  return { id: ROUTES.find((r) => r.hash === hash)?.id ?? 'runs', runId: null };
}

const subscribe = (callback: () => void) => {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
};

/** Hash routing: works the same on app:// and http://, and survives a reload. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}

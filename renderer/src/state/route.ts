import { useSyncExternalStore } from 'react';

export const ROUTES = [
  { id: 'runs', hash: '#/runs', label: 'Runs' },
  { id: 'new', hash: '#/new', label: 'New run' },
  { id: 'settings', hash: '#/settings', label: 'Settings' },
] as const;
export type RouteId = (typeof ROUTES)[number]['id'];

const current = (): RouteId => ROUTES.find((r) => r.hash === location.hash)?.id ?? 'runs';

const subscribe = (callback: () => void) => {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
};

/** Hash routing: works the same on app:// and http://, and survives a reload. */
export const useRoute = (): RouteId => useSyncExternalStore(subscribe, current);

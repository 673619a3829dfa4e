import { useRunDetailStore } from './features/run-detail/store';
import { useRunsStore } from './features/runs/store';
import { useAppStore } from './state/app-store';
import { parseRoute } from './state/route';

/**
 * Starts the reads the first page needs as soon as the bundle has run, before React's first render and its
 * effects (which come only after the shell has painted): the settings, and on the Runs page its list, all in
 * one go; on a run's page, its newest events and the page's chunk. The components that need them join these
 * reads rather than starting their own.
 */
export function startFirstReads(): void {
  void useAppStore.getState().load();
  const route = parseRoute(location.hash);
  if (route.id === 'runs') void useRunsStore.getState().load();
  if (route.id === 'run') {
    void useRunDetailStore.getState().preopen(route.runId);
    void import('./features/run-detail/RunDetailPage');
    // Its charts' library, evaluated while the run's events are on their way rather than after the page shows.
    void import('uplot');
  }
}

import { startBrowserNotices } from './features/notifications/browser-notices';
import { useRunDetailStore } from './features/run-detail/store';
import { useRunsStore } from './features/runs/store';
import { useSetupStore } from './features/setup/store';
import { listenForAppNavigation } from './lib/app-navigation';
import { useAppStore } from './state/app-store';
import { parseRoute } from './state/route';

/**
 * Starts the reads the first page needs as soon as the bundle has run, before React's first render and its
 * effects (which come only after the shell has painted): the settings, the provider status, and on the Runs
 * page its list, all in one go; on a run's page, its newest events and the page's chunk. The components that
 * need them join these reads rather than starting their own.
 */
export function startFirstReads(): void {
  void useAppStore.getState().load();
  // Whether a provider is configured decides between the dashboard and the first-start wizard: asked at once,
  // beside the settings, so the answer does not hold the first page back by a round trip.
  void useSetupStore.getState().loadStatus();
  const route = parseRoute(location.hash);
  if (route.id === 'runs') void useRunsStore.getState().load();
  if (route.id === 'run') {
    void useRunDetailStore.getState().preopen(route.runId);
    void import('./features/run-detail/RunDetailPage');
    // Its charts' library, evaluated while the run's events are on their way rather than after the page shows.
    void import('uplot');
  }
  // Run-end notices (browser host) and the desktop app's requests to show a run, from the first moment.
  startBrowserNotices();
  listenForAppNavigation();
}

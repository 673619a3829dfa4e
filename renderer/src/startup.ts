import { startBrowserNotices } from './features/notifications/browser-notices';
import { useRunsStore } from './features/runs/store';
import { useSetupStore } from './features/setup/store';
import { listenForAppNavigation } from './lib/app-navigation';
import { useAppStore } from './state/app-store';
import { parseRoute } from './state/route';

/**
 * Starts the reads the first page needs as soon as the bundle has run, before React's first render and its
 * effects (which come only after the shell has painted): the settings, the provider status, and on the Runs page its list, all in
 * one go. The components that need them join these reads rather than starting their own.
 */
export function startFirstReads(): void {
  void useAppStore.getState().load();
  // Whether a provider is configured decides between the dashboard and the first-start wizard: asked at once,
  // beside the settings, so the answer does not hold the first page back by a round trip.
  void useSetupStore.getState().loadStatus();
  if (parseRoute(location.hash).id === 'runs') void useRunsStore.getState().load();
  // Run-end notices (browser host) and the desktop app's requests to show a run, from the first moment.
  startBrowserNotices();
  listenForAppNavigation();
}

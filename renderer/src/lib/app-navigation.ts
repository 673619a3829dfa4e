import { api } from '../api';
import { ROUTES, runHash } from '../state/route';

let listening = false;

/**
 * The desktop app's main process asks for a run's page (a notification, the tray, a mle-beast:// link) with the
 * contract's `app.openRun` event, and for one of the app's pages (its menu) with `app.openPage`: the page routes
 * there. Registered when the bundle runs, before the page has
 * finished loading, so a window opened for a run hears the event main sends once it has loaded.
 */
export function listenForAppNavigation(): void {
  if (listening) return;
  listening = true;
  api.on('app.openRun', ({ id }) => {
    location.hash = runHash(id);
  });
  api.on('app.openPage', ({ page }) => {
    const route = ROUTES.find((r) => r.id === page);
    if (route) location.hash = route.hash;
  });
}

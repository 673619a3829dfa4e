import { watchRunEnds, type RunEndNotice } from '../../../../engine/api/run-end-notice';
import { api } from '../../api';
import { runHash } from '../../state/route';
import { useAppStore } from '../../state/app-store';
import { isBrowserHost } from './store';

let stop: (() => void) | null = null;

/** Shows one notice as a Web Notification; a click brings this tab forward on the run. */
function show(notice: RunEndNotice): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  // The tag is the run's id: two tabs of the dashboard showing the same end make one notification, not two.
  const notification = new Notification(notice.title, {
    body: notice.body,
    tag: notice.tag,
    icon: './favicon.svg',
  });
  notification.onclick = () => {
    window.focus();
    location.hash = runHash(notice.runId);
    notification.close();
  };
}

/**
 * The browser host's run-end notices: the same rule and settings as the desktop app's (engine/api/run-end-notice),
 * shown with the Web Notifications API once the user allowed them (Settings > Notifications). Listens to the
 * host's run events directly, not through the animation-frame batching: a tab in the background has no frames.
 * Inside the desktop app it does nothing: its main process notifies.
 */
export function startBrowserNotices(): () => void {
  if (!isBrowserHost() || typeof Notification === 'undefined') return () => undefined;
  if (stop) return stop;
  const handle = watchRunEnds({
    getRun: async (id) => (await api.call('runs.get', { id, tail: true, limit: 1 })).run,
    settings: () => useAppStore.getState().settings,
    show,
  });
  let pending: Promise<void> = Promise.resolve();
  const unsubscribe = api.on('run.event', (event) => {
    pending = pending.then(() => handle([event]));
  });
  stop = () => {
    unsubscribe();
    stop = null;
  };
  return stop;
}

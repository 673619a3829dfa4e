import { useEffect } from 'react';
import { isBrowserHost, useNotificationsStore } from '../notifications/store';
import { Section } from './Section';
import { SettingField } from './SettingField';

/**
 * Which run ends are announced (the same settings for the desktop app's system notifications and the
 * browser's), and in a browser, the permission to show them with the button that asks for it.
 */
export function NotificationsSection() {
  return (
    <Section
      id="notifications"
      title="Notifications"
      intro="A notification when a run ends, also for runs started from the command line. A click opens the run."
    >
      <BrowserPermission />
      <div className="form">
        <SettingField
          name="notifyTargetReached"
          label="Target reached"
          hint="The run's name, metric, best score and target."
        />
        <SettingField
          name="notifyFinished"
          label="Finished without reaching it"
          hint="Steps, budget or failures ran out: why, and the best score."
        />
        <SettingField name="notifyFailed" label="Failed" hint="What stopped it." />
        <SettingField
          name="notifyInterrupted"
          label="Interrupted"
          hint="Its process ended mid-run (resume it from its page)."
        />
      </div>
    </Section>
  );
}

const PERMISSION_TEXT = {
  unsupported: 'This browser cannot show notifications.',
  default: 'This browser shows them once you allow it.',
  granted: 'Allowed in this browser.',
  denied:
    "Blocked in this browser: allow notifications for this page in the browser's site settings, then reload.",
} as const;

function BrowserPermission() {
  const { permission, asking, request, refresh } = useNotificationsStore();
  useEffect(() => {
    // The user may have changed it in the browser's site settings while away from this view.
    refresh();
    window.addEventListener('focus', refresh);
    return () => window.removeEventListener('focus', refresh);
  }, [refresh]);
  if (!isBrowserHost()) {
    return <p className="hint">The desktop app shows them as system notifications.</p>;
  }
  return (
    <div className="notify-permission">
      <p className="hint" aria-live="polite" data-testid="notify-permission" data-permission={permission}>
        {PERMISSION_TEXT[permission]}
      </p>
      {permission === 'default' && (
        <button type="button" onClick={() => void request()} disabled={asking}>
          {asking ? 'Asking…' : 'Allow notifications'}
        </button>
      )}
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../engine/api';
import { useAppStore } from '../state/app-store';

export function SettingsPage() {
  const settings = useAppStore((s) => s.settings);
  if (!settings) return null;
  // When the saved values change (here, in another window, or from the CLI) the form starts afresh from them.
  return <SettingsForm key={JSON.stringify(settings)} settings={settings} />;
}

/** Edits a draft; Save (or Enter) sends only the fields that changed. */
function SettingsForm({ settings }: { settings: Settings }) {
  const { saving, saveError, savedAt, saveSettings } = useAppStore();
  const [draft, setDraft] = useState<Settings>(settings);
  const [maxStepsText, setMaxStepsText] = useState(String(settings.defaultMaxSteps));
  const reset = () => {
    setDraft(settings);
    setMaxStepsText(String(settings.defaultMaxSteps));
  };

  const maxSteps = Number(maxStepsText);
  const maxStepsError =
    maxStepsText.trim() === '' || !Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 1000
      ? 'a whole number from 1 to 1000'
      : null;
  const next: Settings = { ...draft, defaultMaxSteps: maxStepsError ? settings.defaultMaxSteps : maxSteps };
  const changed = (Object.keys(next) as (keyof Settings)[]).filter((k) => next[k] !== settings[k]);
  const dirty =
    changed.length > 0 || (maxStepsError !== null && maxStepsText !== String(settings.defaultMaxSteps));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (maxStepsError || changed.length === 0) return;
    await saveSettings(Object.fromEntries(changed.map((k) => [k, next[k]])));
  };
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setDraft({ ...draft, [key]: value });

  return (
    <>
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <form className="card form" onSubmit={submit} aria-label="Settings">
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          value={draft.theme}
          onChange={(e) => set('theme', e.target.value as Settings['theme'])}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>

        <label htmlFor="defaultMaxSteps">Default max steps per run</label>
        <div>
          <input
            id="defaultMaxSteps"
            inputMode="numeric"
            value={maxStepsText}
            aria-invalid={maxStepsError !== null}
            aria-describedby="defaultMaxSteps-help"
            onChange={(e) => setMaxStepsText(e.target.value)}
          />
          <p id="defaultMaxSteps-help" className={maxStepsError ? 'field-error' : 'hint'}>
            {maxStepsError
              ? `Expected ${maxStepsError}.`
              : 'Hill-climbing experiments before a run stops (1–1000).'}
          </p>
        </div>

        <label htmlFor="defaultSandbox">Default sandbox</label>
        <select
          id="defaultSandbox"
          value={draft.defaultSandbox}
          onChange={(e) => set('defaultSandbox', e.target.value as Settings['defaultSandbox'])}
        >
          <option value="docker">Docker container (isolated)</option>
          <option value="local">Local Python (not isolated)</option>
        </select>

        <label htmlFor="defaultNetwork">Sandbox network</label>
        <select
          id="defaultNetwork"
          value={draft.defaultNetwork}
          onChange={(e) => set('defaultNetwork', e.target.value as Settings['defaultNetwork'])}
        >
          <option value="none">None (recommended)</option>
          <option value="bridge">Bridge (internet access)</option>
        </select>

        <label htmlFor="forceCpu">Force CPU</label>
        <div>
          <input
            id="forceCpu"
            type="checkbox"
            checked={draft.forceCpu}
            onChange={(e) => set('forceCpu', e.target.checked)}
          />
          <span className="hint"> Never request a GPU, even when one is available.</span>
        </div>

        <div className="actions">
          <button type="submit" disabled={saving || !dirty || maxStepsError !== null}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="secondary" disabled={!dirty} onClick={reset}>
            Discard
          </button>
          <span role="status" aria-live="polite" className={saveError ? 'field-error' : 'hint'}>
            {saveError ?? (savedAt && !dirty ? 'Saved.' : '')}
          </span>
        </div>
      </form>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../engine/api';
import { useAppStore } from '../state/app-store';

type Options<T extends string> = readonly (readonly [T, string])[];
const THEME_OPTIONS: Options<Settings['theme']> = [
  ['system', 'Follow the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];
const SANDBOX_OPTIONS: Options<Settings['defaultSandbox']> = [
  ['docker', 'Docker container (isolated)'],
  ['local', 'Local Python in an OS sandbox (bubblewrap / Seatbelt)'],
  ['local-unisolated', 'Local Python, NOT isolated'],
];
const NETWORK_OPTIONS: Options<Settings['defaultNetwork']> = [
  ['none', 'None (recommended)'],
  ['bridge', 'Bridge (internet access)'],
];

function SelectSetting<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  options: Options<T>;
  onChange(value: T): void;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </>
  );
}

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
        <SelectSetting
          id="theme"
          label="Theme"
          value={draft.theme}
          options={THEME_OPTIONS}
          onChange={(v) => set('theme', v)}
        />

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

        <SelectSetting
          id="defaultSandbox"
          label="Default sandbox"
          value={draft.defaultSandbox}
          options={SANDBOX_OPTIONS}
          onChange={(v) => set('defaultSandbox', v)}
        />
        <SelectSetting
          id="defaultNetwork"
          label="Sandbox network"
          value={draft.defaultNetwork}
          options={NETWORK_OPTIONS}
          onChange={(v) => set('defaultNetwork', v)}
        />

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

import { useShallow } from 'zustand/react/shallow';
import type { FormEvent, MouseEvent } from 'react';
import { useAppStore } from '../../state/app-store';
import { SETUP_HASH } from '../../state/route';
import { AboutSection } from './AboutSection';
import { DataSection } from './DataSection';
import { LimitsSection } from './LimitsSection';
import { NotificationsSection } from './NotificationsSection';
import { PolicySection } from './PolicySection';
import { ProviderSection } from './ProviderSection';
import { SandboxSection } from './SandboxSection';
import { Section } from './Section';
import { SettingField, type Options } from './SettingField';
import { useSettingsView } from './store';

const THEMES: Options = [
  ['system', 'Follow the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

const SECTIONS = [
  ['provider', 'Provider & model'],
  ['sandbox', 'Sandbox'],
  ['limits', 'Limits & budgets'],
  ['notifications', 'Notifications'],
  ['appearance', 'Appearance'],
  ['policy', 'Safety policy'],
  ['data', 'Data'],
  ['about', 'About'],
] as const;

/**
 * The Settings view. The saved settings are edited in one form (Save, or Enter in a field, sends the changed
 * ones; the engine validates them and its messages show beside the fields); the safety policy has its own
 * editor and save; data locations and About are read-only.
 */
export function SettingsPage() {
  const settings = useAppStore((s) => s.settings);
  const dirty = useSettingsView((s) => Object.keys(s.edits).length > 0);
  const save = useSettingsView((s) => s.save);
  if (!settings) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save()) return;
    // Refused: the first marked field takes the focus (its message is read with it), clear of the save bar.
    const first = Object.keys(useSettingsView.getState().fieldErrors)[0];
    const field = first ? document.getElementById(first) : null;
    field?.scrollIntoView({ block: 'center' });
    field?.focus({ preventScroll: true });
  };
  return (
    <>
      <header className="page-header">
        <div className="page-title-row">
          <h1>Settings</h1>
          {/* The first-start wizard, again: provider, key, live check, model and sandbox, saved only at its end. */}
          <button
            type="button"
            className="secondary"
            data-testid="rerun-setup"
            onClick={() => (location.hash = SETUP_HASH)}
          >
            Run set-up again
          </button>
        </div>
        <nav aria-label="Settings sections" className="section-links">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#/settings`} onClick={(e) => jumpTo(e, id)}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <form onSubmit={(e) => void submit(e)} aria-label="Settings" noValidate>
        <ProviderSection />
        <SandboxSection />
        <LimitsSection />
        <NotificationsSection />
        <Section id="appearance" title="Appearance">
          <div className="form">
            <SettingField name="theme" label="Theme" options={THEMES} />
          </div>
        </Section>
        <SaveBar dirty={dirty} />
      </form>
      <PolicySection />
      <DataSection />
      <AboutSection />
    </>
  );
}

/** Section links move focus to the section rather than changing the route (the hash is the router's). */
function jumpTo(event: MouseEvent, id: string) {
  event.preventDefault();
  const target = document.getElementById(id);
  if (!target) return;
  target.scrollIntoView({ block: 'start' });
  const heading = target.querySelector('h2');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

function SaveBar({ dirty }: { dirty: boolean }) {
  const { saving, saveError, savedAt, discard } = useSettingsView(
    useShallow((s) => ({ saving: s.saving, saveError: s.saveError, savedAt: s.savedAt, discard: s.discard })),
  );
  const invalid = useSettingsView((s) => Object.keys(s.fieldErrors).length > 0);
  return (
    <div className="save-bar" role="region" aria-label="Save settings">
      <button type="submit" disabled={saving || !dirty || invalid}>
        {saving ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="secondary" disabled={!dirty || saving} onClick={discard}>
        Discard changes
      </button>
      <span
        role="status"
        aria-live="polite"
        className={saveError ? 'field-error' : 'hint'}
        data-testid="save-status"
      >
        {saveError ?? (dirty ? 'Unsaved changes.' : savedAt ? 'Saved.' : '')}
      </span>
    </div>
  );
}

import { useEffect } from 'react';
import type { SetupCheckResult } from '../../../../engine/api';
import { CheckList } from '../setup/SetupWizard';
import { useDoctorView } from './doctor-store';
import { RemoteState, Section } from './Section';

/**
 * What runs need, checked: the provider and its key, the live model list, Docker and the sandbox image, the OS
 * sandbox, the GPU, git and Python; each problem with what to do. The same list as `mle-beast doctor`.
 */
export function DoctorSection() {
  const result = useDoctorView((s) => s.result);
  const live = useDoctorView((s) => s.live);
  const load = useDoctorView((s) => s.load);
  useEffect(() => {
    void load(false);
  }, [load]);
  const busy = result.status === 'loading';
  return (
    <Section
      id="checks"
      title="Checks"
      intro={
        <>
          Everything runs need, with what to do about each problem: the same list as{' '}
          <code>mle-beast doctor</code> in a terminal.
        </>
      }
    >
      <RemoteState
        what="the checks"
        status={result.status}
        error={result.error}
        retry={() => void load(live)}
      />
      {result.data && (
        <>
          <p className="hint" aria-live="polite" data-testid="checks-summary">
            {summary(result.data, live)}
          </p>
          <CheckList checks={result.data.checks} label="Checks" />
        </>
      )}
      <div className="actions">
        <button type="button" className="secondary small" disabled={busy} onClick={() => void load(true)}>
          {busy ? 'Checking…' : 'Check again, with the live model list'}
        </button>
      </div>
    </Section>
  );
}

function summary(r: SetupCheckResult, live: boolean): string {
  const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.label);
  const warned = r.checks.filter((c) => c.status === 'warn').length;
  const head = failed.length
    ? `${failed.length} to fix: ${failed.join(', ')}.`
    : `Nothing to fix${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`;
  return live ? head : `${head} The provider's live model list was not asked; "Check again" asks it.`;
}

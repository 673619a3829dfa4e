import { useState } from 'react';
import type { FolderPurpose } from '../../../../engine/api';
import { host } from '../../host';

const LABELS: Record<FolderPurpose, string> = {
  dataset: 'Browse for the dataset',
  workspace: 'Browse for the workspace',
};

/**
 * "Browse…": the host's native folder dialog, only where it has one (the desktop app). The typed path stays the
 * way in for everyone; a cancelled dialog changes nothing; a failure is said next to the button.
 */
export function BrowseFolder(props: {
  purpose: FolderPurpose;
  current: string;
  onPicked(path: string): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  if (!host) return null;
  const browse = async () => {
    setOpen(true);
    setError(null);
    // Start where the typed path points, when it is an absolute one.
    const from = props.current.trim();
    const result = await host!.call('pickFolder', {
      purpose: props.purpose,
      ...(from.startsWith('/') || /^[A-Za-z]:[\\/]/.test(from) ? { defaultPath: from } : {}),
    });
    setOpen(false);
    if (!result.ok) setError(result.error.message);
    else if (result.value.path) props.onPicked(result.value.path);
  };
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-label={LABELS[props.purpose]}
        disabled={open}
        onClick={() => void browse()}
      >
        Browse…
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

import type { RunStatus } from '../../../engine/api';

const TONE: Record<RunStatus, string> = {
  pending: 'muted',
  running: 'accent',
  paused: 'warn',
  completed: 'ok',
  failed: 'danger',
  cancelled: 'muted',
  interrupted: 'warn',
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`badge ${TONE[status]}`} data-status={status}>
      {status === 'running' && <span className="pulse" aria-hidden="true" />}
      {status}
    </span>
  );
}

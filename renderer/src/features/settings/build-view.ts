import type { SandboxBuildFinished, SandboxBuildProgress, SandboxImageVariant } from '../../../../engine/api';

/** The image build this view follows: its progress from `sandbox.build.progress` events, then its outcome. */
export interface BuildView {
  buildId: string | null;
  variant: SandboxImageVariant;
  phase: string;
  percent: number | null;
  line: string | null;
  finished: SandboxBuildFinished | null;
  /** `sandbox.build` itself was refused (another build running, Docker down...). */
  error: string | null;
}

export const startingBuild = (variant: SandboxImageVariant): BuildView => ({
  buildId: null,
  variant,
  phase: 'starting',
  percent: null,
  line: null,
  finished: null,
  error: null,
});

/**
 * A progress event folded in. Events of another build than the one followed are ignored; with none followed,
 * a build started elsewhere (the CLI, another window) is taken up. A line that cannot tell its percentage
 * keeps the last one, so the bar never jumps back to "indeterminate".
 */
export function withProgress(
  build: BuildView | null,
  event: SandboxBuildProgress,
  variant: SandboxImageVariant,
): BuildView | null {
  if (build && build.buildId !== null && build.buildId !== event.buildId) return build;
  return {
    buildId: event.buildId,
    variant: build?.variant ?? variant,
    phase: event.phase,
    percent: event.percent ?? build?.percent ?? null,
    line: event.line,
    finished: null,
    error: null,
  };
}

/** The finished event folded in: 100% on success; the error (what to do) on failure. */
export function withFinished(
  build: BuildView | null,
  event: SandboxBuildFinished,
  variant: SandboxImageVariant,
): BuildView | null {
  if (build && build.buildId !== null && build.buildId !== event.buildId) return build;
  return {
    buildId: event.buildId,
    variant: build?.variant ?? variant,
    phase: 'finishing',
    percent: event.ok ? 100 : (build?.percent ?? null),
    line: build?.line ?? null,
    finished: event,
    error: null,
  };
}

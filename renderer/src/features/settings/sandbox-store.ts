import { create } from 'zustand';
import type {
  SandboxBuildFinished,
  SandboxBuildProgress,
  SandboxImageVariant,
  SandboxStatus,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { fetchRemote, idle, type Remote } from './remote';

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

interface SandboxState {
  status: Remote<SandboxStatus>;
  build: BuildView | null;
  load(): Promise<void>;
  startBuild(variant: SandboxImageVariant): Promise<void>;
  progress(event: SandboxBuildProgress): void;
  finished(event: SandboxBuildFinished): void;
  /** Listens to the build events; returns the unsubscribe. */
  follow(): () => void;
}

export const useSandboxView = create<SandboxState>((set, get) => ({
  status: idle(),
  build: null,
  load: () =>
    fetchRemote(
      get().status,
      (status) => set({ status }),
      () => api.call('sandbox.status', {}),
    ),

  async startBuild(variant) {
    set({
      build: {
        buildId: null,
        variant,
        phase: 'starting',
        percent: null,
        line: null,
        finished: null,
        error: null,
      },
    });
    try {
      const started = await api.call('sandbox.build', { variant });
      if (started.status === 'present') {
        set({ build: null });
        void get().load();
        return;
      }
      set((s) => ({ build: s.build && { ...s.build, buildId: started.buildId } }));
    } catch (error) {
      set((s) => ({ build: s.build && { ...s.build, error: messageOf(error) } }));
    }
  },

  progress(event) {
    const build = get().build;
    // A build started elsewhere (the CLI, another window) is shown too, once its events arrive.
    if (build && build.buildId !== null && build.buildId !== event.buildId) return;
    set({
      build: {
        buildId: event.buildId,
        variant: build?.variant ?? get().status.data?.build?.variant ?? 'offline',
        phase: event.phase,
        percent: event.percent ?? build?.percent ?? null,
        line: event.line,
        finished: null,
        error: null,
      },
    });
  },

  finished(event) {
    const build = get().build;
    if (build && build.buildId !== null && build.buildId !== event.buildId) return;
    set({
      build: {
        buildId: event.buildId,
        variant: build?.variant ?? 'offline',
        phase: 'finishing',
        percent: event.ok ? 100 : (build?.percent ?? null),
        line: build?.line ?? null,
        finished: event,
        error: null,
      },
    });
    void get().load();
  },

  follow() {
    const offProgress = api.on('sandbox.build.progress', (e) => get().progress(e));
    const offFinished = api.on('sandbox.build.finished', (e) => get().finished(e));
    return () => {
      offProgress();
      offFinished();
    };
  },
}));

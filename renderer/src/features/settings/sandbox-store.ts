import { create } from 'zustand';
import type {
  SandboxBuildFinished,
  SandboxBuildProgress,
  SandboxImageVariant,
  SandboxStatus,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { startingBuild, withFinished, withProgress, type BuildView } from './build-view';
import { fetchRemote, idle, type Remote } from './remote';

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

/** The variant of a build this view did not start: the engine's current build says which. */
const followedVariant = (s: SandboxState): SandboxImageVariant => s.status.data?.build?.variant ?? 'offline';

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
    set({ build: startingBuild(variant) });
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
    set({ build: withProgress(get().build, event, followedVariant(get())) });
  },

  finished(event) {
    const build = get().build;
    set({ build: withFinished(build, event, followedVariant(get())) });
    // The image list changes with a build that ended (or shows why it did not).
    if (get().build !== build) void get().load();
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

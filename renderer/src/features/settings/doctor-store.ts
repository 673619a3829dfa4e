import { create } from 'zustand';
import type { SetupCheckResult } from '../../../../engine/api';
import { api } from '../../api';
import { fetchRemote, idle, type Remote } from './remote';

/**
 * Settings → Checks: setup.check over every group, the list `mle-beast doctor` prints. Opening Settings asks
 * nothing of the provider (no live model list); "Check again" does, as `doctor` does.
 */
interface DoctorState {
  result: Remote<SetupCheckResult>;
  /** Whether the last check asked the provider for its live model list. */
  live: boolean;
  load(live: boolean): Promise<void>;
}

export const useDoctorView = create<DoctorState>((set, get) => ({
  result: idle(),
  live: false,
  load: async (live) => {
    set({ live });
    await fetchRemote(
      get().result,
      (result) => set({ result }),
      () => api.call('setup.check', { liveCatalog: live }),
    );
  },
}));

import { create } from 'zustand';
import type { AppInfo, Settings, SettingsPatch } from '../../../engine/api';
import { ApiCallError } from '../../../engine/api/client-core';
import { api } from '../api';

type Status = 'idle' | 'loading' | 'ready' | 'error';

interface AppState {
  status: Status;
  info: AppInfo | null;
  settings: Settings | null;
  error: string | null;
  saving: boolean;
  saveError: string | null;
  savedAt: number | null;
  load(): Promise<void>;
  saveSettings(patch: SettingsPatch): Promise<boolean>;
  settingsChanged(settings: Settings): void;
}

const messageOf = (error: unknown): string =>
  error instanceof ApiCallError ? error.message : error instanceof Error ? error.message : String(error);

export const useAppStore = create<AppState>((set) => ({
  status: 'idle',
  info: null,
  settings: null,
  error: null,
  saving: false,
  saveError: null,
  savedAt: null,
  async load() {
    set({ status: 'loading', error: null });
    try {
      // The pages need the settings; the installation's details (app.info probes Docker, which can take a
      // while) fill in when they come, without holding the first page back.
      void api.call('app.info', {}).then(
        (info) => set({ info }),
        () => undefined,
      );
      const settings = await api.call('settings.get', {});
      set({ status: 'ready', settings });
    } catch (error) {
      set({ status: 'error', error: messageOf(error) });
    }
  },
  async saveSettings(patch) {
    set({ saving: true, saveError: null });
    try {
      const settings = await api.call('settings.update', patch);
      set({ settings, saving: false, savedAt: Date.now() });
      return true;
    } catch (error) {
      set({ saving: false, saveError: messageOf(error) });
      return false;
    }
  },
  // Another window, tab or the CLI changed them: take the new values without a refetch.
  settingsChanged: (settings) => set({ settings }),
}));

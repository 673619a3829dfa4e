import { create } from 'zustand';
import {
  ApiCallError,
  type AppStorage,
  type ProviderStatus,
  type SettingKey,
  type SettingsPatch,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { fetchRemote, idle, type Remote } from './remote';
import { useAppStore } from '../../state/app-store';
import { fieldErrorsOf, parseRaw, patchOf, type RawValue } from './fields';

interface SettingsViewState {
  /** The fields the user changed, as typed; the saved value shows for the others. */
  edits: Partial<Record<SettingKey, RawValue>>;
  /** Messages beside fields: the engine's validation issues, or text that is not a number. */
  fieldErrors: Partial<Record<SettingKey, string>>;
  saving: boolean;
  saveError: string | null;
  savedAt: number | null;
  storage: Remote<AppStorage>;
  provider: Remote<ProviderStatus>;
  edit(key: SettingKey, raw: RawValue): void;
  discard(): void;
  save(): Promise<boolean>;
  loadStorage(): Promise<void>;
  loadProvider(): Promise<void>;
}

export const useSettingsView = create<SettingsViewState>((set, get) => ({
  edits: {},
  fieldErrors: {},
  saving: false,
  saveError: null,
  savedAt: null,
  storage: idle(),
  provider: idle(),

  edit(key, raw) {
    // Text that is no value at all is said at once; ranges are the engine's to judge, on Save.
    const fieldErrors = { ...get().fieldErrors };
    const parsed = parseRaw(key, raw);
    if (parsed.ok) delete fieldErrors[key];
    else fieldErrors[key] = parsed.message;
    set({ edits: { ...get().edits, [key]: raw }, fieldErrors, saveError: null });
  },
  discard: () => set({ edits: {}, fieldErrors: {}, saveError: null }),

  async save() {
    const settings = useAppStore.getState().settings;
    if (!settings) return false;
    const { patch, errors } = patchOf(settings, get().edits);
    if (Object.keys(errors).length > 0) {
      set({ fieldErrors: errors, saveError: 'Nothing was saved: correct the marked fields.' });
      return false;
    }
    if (Object.keys(patch).length === 0) {
      set({ edits: {}, fieldErrors: {} });
      return true;
    }
    set({ saving: true, saveError: null, fieldErrors: {} });
    try {
      const saved = await api.call('settings.update', patch as SettingsPatch);
      useAppStore.getState().settingsChanged(saved);
      set({ saving: false, edits: {}, savedAt: Date.now() });
      // The provider a run would use may have changed with them.
      if ('llmProvider' in patch || 'llmModel' in patch || 'localBaseUrl' in patch) void get().loadProvider();
      return true;
    } catch (error) {
      const fieldErrors = error instanceof ApiCallError ? fieldErrorsOf(error.error.issues ?? [], patch) : {};
      const marked = Object.keys(fieldErrors).length > 0;
      set({
        saving: false,
        fieldErrors,
        saveError: marked ? 'Nothing was saved: correct the marked fields.' : messageOf(error),
      });
      return false;
    }
  },

  loadStorage: () =>
    fetchRemote(
      get().storage,
      (storage) => set({ storage }),
      () => api.call('app.storage', {}),
    ),
  loadProvider: () =>
    fetchRemote(
      get().provider,
      (provider) => set({ provider }),
      () => api.call('provider.status', {}),
    ),
}));

/** The value a field shows: what the user typed, else the saved value. */
export function useFieldRaw(key: SettingKey, saved: RawValue): RawValue {
  return useSettingsView((s) => s.edits[key] ?? saved);
}

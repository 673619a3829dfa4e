import { create } from 'zustand';
import { ApiCallError, type SecretsStatus, type SecretVariable } from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { fetchRemote, idle, type Remote } from './remote';
import { useSettingsView } from './store';

/**
 * The saved API keys of the Settings view. What is typed stays in `drafts` only until it is sent: on success
 * it is cleared, so the renderer holds a key for no longer than the user takes to save it, and what shows
 * afterwards is the engine's masked form. There is no way to read a key back (the contract has no get).
 */
interface SecretsViewState {
  status: Remote<SecretsStatus>;
  drafts: Partial<Record<SecretVariable, string>>;
  /** Beside each key's field: why it was not saved or removed. */
  errors: Partial<Record<SecretVariable, string>>;
  /** The key being saved or removed. */
  busy: SecretVariable | null;
  /** The user agreed to plain-text storage (asked only when the status says it needs agreement). */
  consent: boolean;
  /** The last thing done, said once near the field (`Saved.`, `Removed.`). */
  done: Partial<Record<SecretVariable, string>>;
  load(): Promise<void>;
  draft(variable: SecretVariable, text: string): void;
  setConsent(agreed: boolean): void;
  save(variable: SecretVariable): Promise<boolean>;
  remove(variable: SecretVariable): Promise<boolean>;
  /** A status from the engine (a reply or the secrets.changed event). */
  changed(status: SecretsStatus): void;
}

export const useSecretsView = create<SecretsViewState>((set, get) => ({
  status: idle(),
  drafts: {},
  errors: {},
  busy: null,
  consent: false,
  done: {},

  load: () =>
    fetchRemote(
      get().status,
      (status) => set({ status }),
      () => api.call('secrets.status', {}),
    ),

  draft(variable, text) {
    set({
      drafts: { ...get().drafts, [variable]: text },
      errors: { ...get().errors, [variable]: undefined },
      done: { ...get().done, [variable]: undefined },
    });
  },

  setConsent: (consent) => set({ consent }),

  async save(variable) {
    const value = get().drafts[variable] ?? '';
    if (value.trim() === '') {
      set({ errors: { ...get().errors, [variable]: 'Type or paste the key first.' } });
      return false;
    }
    const status = get().status.data;
    if (status?.needsConsent && !get().consent) {
      set({
        errors: {
          ...get().errors,
          [variable]:
            'Not saved: tick the box above to agree to plain-text storage, or set the variable instead.',
        },
      });
      return false;
    }
    set({ busy: variable, errors: { ...get().errors, [variable]: undefined } });
    try {
      const next = await api.call('secrets.set', {
        variable,
        value,
        ...(status?.needsConsent ? { allowPlainText: true } : {}),
      });
      get().changed(next);
      set({
        busy: null,
        drafts: { ...get().drafts, [variable]: '' },
        done: { ...get().done, [variable]: 'Saved.' },
      });
      return true;
    } catch (error) {
      set({ busy: null, errors: { ...get().errors, [variable]: keyMessage(error) } });
      return false;
    }
  },

  async remove(variable) {
    set({ busy: variable, errors: { ...get().errors, [variable]: undefined } });
    try {
      get().changed(await api.call('secrets.delete', { variable }));
      set({ busy: null, done: { ...get().done, [variable]: 'Removed.' } });
      return true;
    } catch (error) {
      set({ busy: null, errors: { ...get().errors, [variable]: messageOf(error) } });
      return false;
    }
  },

  changed(status) {
    set({ status: { status: 'ready', data: status, error: null } });
    // The provider a run would use may follow a saved key.
    void useSettingsView.getState().loadProvider();
  },
}));

/** The engine's words for a refused key: the value's own issue without the `secrets.set: value:` prefix. */
function keyMessage(error: unknown): string {
  if (error instanceof ApiCallError) {
    const issue = error.error.issues?.find((i) => i.path === 'value');
    if (issue) return `Not saved: ${issue.message}.`;
  }
  return messageOf(error);
}

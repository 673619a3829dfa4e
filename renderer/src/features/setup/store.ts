import { create } from 'zustand';
import type {
  ProviderName,
  ProviderStatus,
  SecretVariable,
  SecretsStatus,
  SetupCheckResult,
} from '../../../../engine/api';
import { messageOf } from '../../lib/format';
import { api } from '../../api';
import { useAppStore } from '../../state/app-store';
import { fetchRemote, idle, type Remote } from '../settings/remote';

/**
 * The first-start wizard: which provider, its key, a live check of its model list, the model, then the sandbox.
 * Nothing is saved until Finish (settings.update with provider, model and the local server's URL); every check
 * before that is `setup.check` on the choice as a candidate, so the saved settings stay as they were if the
 * user leaves half-way.
 */

export const STEPS = ['provider', 'key', 'check', 'model', 'sandbox'] as const;
export type Step = (typeof STEPS)[number];

export const STEP_LABELS: Record<Step, string> = {
  provider: 'Provider',
  key: 'API key',
  check: 'Live check',
  model: 'Model',
  sandbox: 'Sandbox',
};

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  local: 'Local OpenAI-compatible server',
};

interface SetupState {
  /** provider.status: with no provider resolved (and not skipped), the app opens on this wizard. */
  status: Remote<ProviderStatus>;
  step: Step;
  provider: ProviderName | null;
  baseUrl: string;
  model: string;
  /** setup.check of the provider group for the choice (no model yet): its list feeds the model step. */
  check: Remote<SetupCheckResult>;
  /** setup.check of the sandbox group. */
  sandbox: Remote<SetupCheckResult>;
  /** secrets.status: where a typed key would be saved (none: the browser host says which variable to set). */
  secrets: Remote<SecretsStatus>;
  savingKey: boolean;
  keyError: string | null;
  finishing: boolean;
  finishError: string | null;
  loadStatus(): Promise<void>;
  /** Back to the first step with the saved settings as the starting choice. */
  start(): void;
  choose(provider: ProviderName): void;
  setBaseUrl(url: string): void;
  setModel(model: string): void;
  goTo(step: Step): void;
  runCheck(): Promise<void>;
  runSandboxCheck(): Promise<void>;
  finish(): Promise<boolean>;
  skip(): Promise<boolean>;
  loadSecrets(): Promise<void>;
  /** secrets.set; the key goes to the host's store and is never kept here. True when saved. */
  saveKey(variable: SecretVariable, value: string, allowPlainText: boolean): Promise<boolean>;
}

/** What the provider step says is wrong with the URL before anything is asked (the engine checks it again). */
export function urlProblem(url: string): string | null {
  const text = url.trim();
  if (text === '') return 'Type the URL of your server, e.g. http://127.0.0.1:11434/v1.';
  try {
    const parsed = new URL(text);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return `The URL must start with http:// or https://, not ${parsed.protocol}//.`;
    return null;
  } catch {
    return 'That is not a URL: expected something like http://127.0.0.1:11434/v1.';
  }
}

const candidateOf = (s: Pick<SetupState, 'provider' | 'baseUrl'>) =>
  s.provider === 'local'
    ? { provider: 'local' as const, baseUrl: s.baseUrl.trim() }
    : { provider: s.provider ?? ('openrouter' as const) };

export const useSetupStore = create<SetupState>((set, get) => ({
  status: idle(),
  step: 'provider',
  provider: null,
  baseUrl: '',
  model: '',
  check: idle(),
  sandbox: idle(),
  secrets: idle(),
  savingKey: false,
  keyError: null,
  finishing: false,
  finishError: null,

  loadStatus: () =>
    fetchRemote(
      get().status,
      (status) => set({ status }),
      () => api.call('provider.status', {}),
    ),

  start() {
    const settings = useAppStore.getState().settings;
    set({
      step: 'provider',
      provider: settings?.llmProvider ?? null,
      baseUrl: settings?.localBaseUrl ?? '',
      model: settings?.llmModel ?? '',
      check: idle(),
      sandbox: idle(),
      finishError: null,
    });
  },
  choose: (provider) => set((s) => (s.provider === provider ? {} : { provider, check: idle(), model: '' })),
  setBaseUrl: (baseUrl) => set({ baseUrl, check: idle() }),
  setModel: (model) => set({ model }),
  goTo(step) {
    set({ step });
    if (step === 'check' && get().check.status === 'idle') void get().runCheck();
    if (step === 'sandbox' && get().sandbox.status === 'idle') void get().runSandboxCheck();
    // The key step shows whether the variable is set now (a .env line is read on each ask), and where a key
    // typed here would be saved.
    if (step === 'key') {
      void get().loadStatus();
      void get().loadSecrets();
    }
  },

  async runCheck() {
    await fetchRemote(
      get().check,
      (check) => set({ check }),
      () => api.call('setup.check', { groups: ['provider'], candidate: candidateOf(get()) }),
    );
    // Keep a model the list has; else offer the provider's default when it is listed.
    const result = get().check.data;
    const ids = result?.catalog?.models.map((m) => m.id) ?? [];
    if (!ids.includes(get().model)) {
      const suggested = result?.provider?.model;
      set({ model: suggested && ids.includes(suggested) ? suggested : '' });
    }
  },
  runSandboxCheck: () =>
    fetchRemote(
      get().sandbox,
      (sandbox) => set({ sandbox }),
      () => api.call('setup.check', { groups: ['sandbox'] }),
    ),

  async finish() {
    const s = get();
    if (!s.provider || !s.model) return false;
    set({ finishing: true, finishError: null });
    const saved = await useAppStore.getState().saveSettings({
      llmProvider: s.provider,
      llmModel: s.model,
      ...(s.provider === 'local' ? { localBaseUrl: s.baseUrl.trim() } : {}),
    });
    if (!saved) {
      set({ finishing: false, finishError: useAppStore.getState().saveError });
      return false;
    }
    await get().loadStatus();
    set({ finishing: false });
    return true;
  },
  loadSecrets: () =>
    fetchRemote(
      get().secrets,
      (secrets) => set({ secrets }),
      () => api.call('secrets.status', {}),
    ),
  async saveKey(variable, value, allowPlainText) {
    set({ savingKey: true, keyError: null });
    try {
      const secrets = await api.call('secrets.set', {
        variable,
        value,
        ...(allowPlainText ? { allowPlainText } : {}),
      });
      // A saved key changes the live check's answer.
      set({ secrets: { status: 'ready', data: secrets, error: null }, savingKey: false, check: idle() });
      await get().loadStatus();
      return true;
    } catch (error) {
      set({ savingKey: false, keyError: messageOf(error) });
      return false;
    }
  },
  async skip() {
    const saved = await useAppStore.getState().saveSettings({ setupSkipped: true });
    if (!saved) set({ finishError: useAppStore.getState().saveError });
    return saved;
  },
}));

/**
 * Whether the app opens on the wizard: `yes` when the settings say it was not skipped and provider.status
 * resolves no provider; `unknown` while provider.status is first read (the page waits rather than flash the
 * dashboard); `no` otherwise, a failed read included (the dashboard then says what is wrong).
 */
export function firstStart(
  skipped: boolean | undefined,
  status: Remote<ProviderStatus>,
): 'yes' | 'no' | 'unknown' {
  if (skipped !== false) return 'no';
  if (status.data) return status.data.resolved === null ? 'yes' : 'no';
  return status.status === 'error' ? 'no' : 'unknown';
}

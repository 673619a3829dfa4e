import { create } from 'zustand';
import {
  ApiCallError,
  type ApiIssue,
  type PolicyInfo,
  type PolicyRules,
  type PolicyVerdict,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';
import { fetchRemote, idle, type Remote } from './remote';

/** The user's additions as the editor shows them: the three lists, as JSON. */
export const rulesText = (rules: PolicyRules): string => `${JSON.stringify(rules, null, 2)}\n`;

interface PolicyState {
  policy: Remote<PolicyInfo>;
  /** The editor's text; null: not edited (the saved additions show). */
  text: string | null;
  /** Why the text was not saved: JSON that does not parse, or the engine's issues (path: message). */
  issues: ApiIssue[];
  saving: boolean;
  savedAt: number | null;
  check: { command: string; workspace: string; place: 'sandbox' | 'host' };
  verdict: Remote<PolicyVerdict>;
  load(): Promise<void>;
  edit(text: string): void;
  discard(): void;
  save(): Promise<void>;
  setCheck(patch: Partial<PolicyState['check']>): void;
  runCheck(): Promise<void>;
}

export const usePolicyView = create<PolicyState>((set, get) => ({
  policy: idle(),
  text: null,
  issues: [],
  saving: false,
  savedAt: null,
  check: { command: '', workspace: '', place: 'sandbox' },
  verdict: idle(),

  load: () =>
    fetchRemote(
      get().policy,
      (policy) => set({ policy }),
      () => api.call('policy.get', {}),
    ),
  edit: (text) => set({ text, issues: [] }),
  discard: () => set({ text: null, issues: [] }),

  async save() {
    const text = get().text;
    if (text === null) return;
    let rules: unknown;
    try {
      rules = JSON.parse(text);
    } catch (error) {
      set({ issues: [{ path: '(JSON)', message: `not valid JSON: ${(error as Error).message}` }] });
      return;
    }
    set({ saving: true, issues: [] });
    try {
      const policy = await api.call('policy.update', rules as PolicyRules);
      set({
        saving: false,
        text: null,
        savedAt: Date.now(),
        policy: { status: 'ready', data: policy, error: null },
      });
    } catch (error) {
      const issues =
        error instanceof ApiCallError && error.error.issues?.length
          ? error.error.issues
          : [{ path: '(policy)', message: messageOf(error) }];
      set({ saving: false, issues });
    }
  },

  setCheck: (patch) => set({ check: { ...get().check, ...patch } }),
  async runCheck() {
    const { command, workspace, place } = get().check;
    await fetchRemote(
      get().verdict,
      (verdict) => set({ verdict }),
      () => api.call('policy.check', { command, workspace, place }),
    );
  },
}));

import { create } from 'zustand';
import type {
  RunDocuments,
  RunExperimentDetail,
  RunGitLog,
  RunSafety,
  TraceCall,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';

/**
 * The Run detail view's drill-downs, read on demand (engine/api/run-details.ts): a tab asks for what it shows
 * when it opens, and again on "Refresh" or when the run has moved on. Kept apart from the run's folded view
 * (store.ts), which the live events drive.
 */

export interface Resource<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  data: T | null;
  error: string | null;
}
const idle = <T>(): Resource<T> => ({ status: 'idle', data: null, error: null });

export type DetailTab = 'overview' | 'experiments' | 'console' | 'trace' | 'documents' | 'history';

/** Calls per trace page. */
export const TRACE_PAGE = 50;

interface DetailsState {
  runId: string | null;
  tab: DetailTab;
  selectedStep: number | null;
  experiment: Resource<RunExperimentDetail>;
  trace: Resource<{ calls: TraceCall[]; total: number }>;
  documents: Resource<RunDocuments>;
  gitLog: Resource<RunGitLog>;
  safety: Resource<RunSafety>;
  reset(runId: string): void;
  setTab(tab: DetailTab): void;
  select(step: number | null): Promise<void>;
  loadTrace(more?: boolean): Promise<void>;
  loadDocuments(): Promise<void>;
  loadHistory(): Promise<void>;
}

export const useDetailsStore = create<DetailsState>((set, get) => {
  /** Runs `read` into one resource; a reply for a run the page has left is dropped. */
  async function load<K extends 'experiment' | 'trace' | 'documents' | 'gitLog' | 'safety'>(
    key: K,
    read: (id: string) => Promise<DetailsState[K]['data']>,
  ): Promise<void> {
    const id = get().runId;
    if (!id) return;
    set({ [key]: { ...get()[key], status: 'loading', error: null } } as Partial<DetailsState>);
    try {
      const data = await read(id);
      if (get().runId !== id) return;
      set({ [key]: { status: 'ready', data, error: null } } as Partial<DetailsState>);
    } catch (error) {
      if (get().runId !== id) return;
      set({
        [key]: { status: 'error', data: get()[key].data, error: messageOf(error) },
      } as Partial<DetailsState>);
    }
  }

  return {
    runId: null,
    tab: 'overview',
    selectedStep: null,
    experiment: idle(),
    trace: idle(),
    documents: idle(),
    gitLog: idle(),
    safety: idle(),

    reset(runId) {
      if (get().runId === runId) return;
      set({
        runId,
        tab: 'overview',
        selectedStep: null,
        experiment: idle(),
        trace: idle(),
        documents: idle(),
        gitLog: idle(),
        safety: idle(),
      });
    },

    setTab(tab) {
      set({ tab });
    },

    async select(step) {
      const id = get().runId;
      set({
        selectedStep: step,
        experiment: step === null ? idle() : { status: 'loading', data: null, error: null },
      });
      if (step === null || !id) return;
      // A later click wins over a slow earlier reply.
      const current = () => get().runId === id && get().selectedStep === step;
      try {
        const data = await api.call('runs.experiment', { id, step });
        if (current()) set({ experiment: { status: 'ready', data, error: null } });
      } catch (error) {
        if (current()) set({ experiment: { status: 'error', data: null, error: messageOf(error) } });
      }
    },

    async loadTrace(more = false) {
      const have = more ? (get().trace.data?.calls ?? []) : [];
      await load('trace', async (id) => {
        const page = await api.call('runs.trace', { id, offset: have.length, limit: TRACE_PAGE });
        return { calls: [...have, ...page.calls], total: page.total };
      });
    },

    loadDocuments: () => load('documents', (id) => api.call('runs.documents', { id })),

    async loadHistory() {
      await Promise.all([
        load('gitLog', (id) => api.call('runs.gitLog', { id })),
        load('safety', (id) => api.call('runs.safety', { id })),
      ]);
    },
  };
});

import { create } from 'zustand';
import {
  ProjectForm,
  type CatalogModelInfo,
  type DatasetPreview,
  type ExampleSummary,
  type FormField,
  type FormIssue,
  type MetricInfo,
  type ProjectValidateResult,
  type SandboxStatus,
  type WorkspaceState,
} from '../../../../engine/api';
import { api } from '../../api';
import { messageOf } from '../../lib/format';

/**
 * The New run form: the fields as typed, and what the engine says about them. Every check is the engine's
 * (datasets.inspect, workspace.inspect, project.validate); the form only asks again, debounced, when a field
 * changes, and drops answers to questions it no longer asks (a slower answer to an older form never wins).
 */

type Loadable<T> = { status: 'idle' | 'loading' | 'ready' | 'error'; value: T | null; error: string | null };
const idle = <T>(): Loadable<T> => ({ status: 'idle', value: null, error: null });

export interface NewRunState {
  form: ProjectForm;
  preview: Loadable<DatasetPreview>;
  workspace: Loadable<WorkspaceState>;
  /** The engine's verdict on `checkedForm`; Start needs it ok for the form as it is now. */
  validation: Loadable<ProjectValidateResult>;
  checkedForm: string | null;
  metrics: MetricInfo[];
  models: Loadable<CatalogModelInfo[]>;
  sandbox: Loadable<SandboxStatus>;
  examples: ExampleSummary[];
  creatingExample: string | null;
  exampleError: string | null;
  starting: boolean;
  startError: string | null;
  /** What import/export last said. */
  fileNote: { kind: 'ok' | 'error'; text: string } | null;
  /** Set by the drop zone where the host gave no path: the path field takes focus. */
  focusDatasetAt: number;

  init(): void;
  set<K extends FormField>(field: K, value: ProjectForm[K]): void;
  fill(form: ProjectForm): void;
  refreshSandbox(): Promise<void>;
  createExample(name: string, home: string): Promise<void>;
  importYaml(text: string): Promise<void>;
  exportYaml(): Promise<string | null>;
  start(): Promise<string | null>;
  dropWithoutPath(): void;
}

export const EMPTY_FORM: ProjectForm = ProjectForm.parse({});
const key = (form: ProjectForm) => JSON.stringify(form);

const DEBOUNCE_MS = 400;
const timers: Partial<Record<'preview' | 'workspace' | 'validate', ReturnType<typeof setTimeout>>> = {};
const later = (what: keyof typeof timers, run: () => void) => {
  clearTimeout(timers[what]);
  timers[what] = setTimeout(run, DEBOUNCE_MS);
};

export const useNewRunStore = create<NewRunState>((set, get) => {
  async function preview(): Promise<void> {
    const { dataset, testPath, labelColumn } = get().form;
    if (dataset.trim() === '') {
      set({ preview: idle() });
      return;
    }
    const asked = `${dataset}\0${testPath}\0${labelColumn}`;
    set((s) => ({ preview: { ...s.preview, status: 'loading', error: null } }));
    try {
      const value = await api.call('datasets.inspect', { path: dataset, testPath, labelColumn });
      const now = get().form;
      if (`${now.dataset}\0${now.testPath}\0${now.labelColumn}` !== asked) return;
      set({ preview: { status: 'ready', value, error: null } });
    } catch (error) {
      set({ preview: { status: 'error', value: null, error: messageOf(error) } });
    }
  }

  async function inspectWorkspace(): Promise<void> {
    const path = get().form.workspace;
    try {
      const value = await api.call('workspace.inspect', { path });
      if (get().form.workspace === path) set({ workspace: { status: 'ready', value, error: null } });
    } catch (error) {
      set({ workspace: { status: 'error', value: null, error: messageOf(error) } });
    }
  }

  async function validate(): Promise<void> {
    const form = get().form;
    set((s) => ({ validation: { ...s.validation, status: 'loading' } }));
    try {
      const value = await api.call('project.validate', { form });
      if (key(get().form) !== key(form)) return;
      set({ validation: { status: 'ready', value, error: null }, checkedForm: key(form) });
    } catch (error) {
      set({ validation: { status: 'error', value: null, error: messageOf(error) }, checkedForm: null });
    }
  }

  const touched = (field: FormField) => {
    if (field === 'dataset' || field === 'testPath' || field === 'labelColumn') later('preview', preview);
    if (field === 'workspace') later('workspace', inspectWorkspace);
    later('validate', validate);
  };

  return {
    form: EMPTY_FORM,
    preview: idle(),
    workspace: idle(),
    validation: idle(),
    checkedForm: null,
    metrics: [],
    models: idle(),
    sandbox: idle(),
    examples: [],
    creatingExample: null,
    exampleError: null,
    starting: false,
    startError: null,
    fileNote: null,
    focusDatasetAt: 0,

    init() {
      void inspectWorkspace();
      void get().refreshSandbox();
      api.call('metrics.list', {}).then(
        (r) => set({ metrics: r.metrics }),
        () => set({ metrics: [] }),
      );
      api.call('examples.list', {}).then(
        (r) => set({ examples: r.examples }),
        () => set({ examples: [] }),
      );
      set({ models: { status: 'loading', value: null, error: null } });
      api.call('models.list', {}).then(
        (r) => set({ models: { status: 'ready', value: r.models, error: null } }),
        (error: unknown) => set({ models: { status: 'error', value: null, error: messageOf(error) } }),
      );
    },

    set(field, value) {
      set((s) => ({ form: { ...s.form, [field]: value }, startError: null }));
      touched(field);
    },

    fill(form) {
      set({ form, startError: null });
      for (const field of ['dataset', 'workspace'] as const) touched(field);
    },

    async refreshSandbox() {
      set((s) => ({ sandbox: { ...s.sandbox, status: 'loading' } }));
      try {
        const value = await api.call('sandbox.status', {});
        set({ sandbox: { status: 'ready', value, error: null } });
      } catch (error) {
        set({ sandbox: { status: 'error', value: null, error: messageOf(error) } });
      }
    },

    async createExample(name, home) {
      const example = get().examples.find((e) => e.name === name);
      if (!example) return;
      set({ creatingExample: name, exampleError: null });
      try {
        // A new folder each time: the engine never writes into one that holds files.
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
        const created = await api.call('examples.create', {
          name,
          folder: `${home}/examples/${name}-${stamp}`,
        });
        get().fill({
          ...get().form,
          name: get().form.name || `example-${name}`,
          dataset: created.dataPath,
          labelColumn: example.kind === 'tabular' ? example.labelColumn : '',
          task: example.taskText,
          metric: example.metric.name,
          direction: 'auto',
          target: String(example.metric.target),
        });
        set({ creatingExample: null });
      } catch (error) {
        set({ creatingExample: null, exampleError: messageOf(error) });
      }
    },

    async importYaml(text) {
      try {
        const result = await api.call('project.import', { yaml: text });
        const messages = result.issues.map((i) => i.message);
        if (!result.form) {
          set({ fileNote: { kind: 'error', text: `Not imported: ${messages.join(' ')}` } });
          return;
        }
        get().fill(result.form);
        set({
          fileNote: {
            kind: messages.length ? 'error' : 'ok',
            text: messages.length ? `Imported, but: ${messages.join(' ')}` : 'Imported project.yaml.',
          },
        });
      } catch (error) {
        set({ fileNote: { kind: 'error', text: messageOf(error) } });
      }
    },

    async exportYaml() {
      try {
        const { yaml } = await api.call('project.export', { form: get().form });
        set({ fileNote: { kind: 'ok', text: 'Exported project.yaml.' } });
        return yaml;
      } catch (error) {
        set({ fileNote: { kind: 'error', text: messageOf(error) } });
        return null;
      }
    },

    async start() {
      const form = get().form;
      set({ starting: true, startError: null });
      // Checked once more as it is now, so Start never sends a form the engine has not passed.
      await validate();
      if (!get().validation.value?.ok || get().checkedForm !== key(form)) {
        set({ starting: false });
        return null;
      }
      try {
        const run = await api.call('runs.start', { form });
        set({ starting: false });
        return run.id;
      } catch (error) {
        set({ starting: false, startError: messageOf(error) });
        return null;
      }
    },

    dropWithoutPath() {
      set({ focusDatasetAt: Date.now() });
    },
  };
});

/** The engine's messages for one field (dataset also carries why its path cannot be read). */
export function useFieldIssues(field: FormField | 'form'): string[] {
  return useNewRunStore((s) => issuesFor(s, field));
}

const NONE: string[] = [];
const cache = new WeakMap<object, Map<string, string[]>>();

function issuesFor(s: NewRunState, field: FormField | 'form'): string[] {
  const issues: FormIssue[] = s.validation.value?.issues ?? [];
  const holder = s.validation.value ?? s;
  let perField = cache.get(holder);
  if (!perField) {
    perField = new Map();
    cache.set(holder, perField);
  }
  const hit = perField.get(field);
  if (hit) return hit;
  const found = issues.filter((i) => i.field === field).map((i) => i.message);
  const result = found.length ? found : NONE;
  perField.set(field, result);
  return result;
}

/** Start is possible when the engine passed this very form and nothing is in flight. */
export function useCanStart(): boolean {
  return useNewRunStore(
    (s) =>
      !s.starting &&
      s.validation.status === 'ready' &&
      s.validation.value?.ok === true &&
      s.checkedForm === key(s.form),
  );
}

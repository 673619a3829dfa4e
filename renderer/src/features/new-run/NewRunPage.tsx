import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import type { ProjectForm } from '../../../../engine/api';
import { useAppStore } from '../../state/app-store';
import { runHash } from '../../state/route';
import { BrowseFolder } from './BrowseFolder';
import { DatasetSection } from './DatasetSection';
import { Field } from './Field';
import { ModelField } from './ModelField';
import { useCanStart, useFieldIssues, useNewRunStore } from './store';

type Options<T extends string> = readonly (readonly [T, string])[];

function TextField(props: {
  field: 'name' | 'task' | 'target' | 'maxSteps' | 'maxCostUsd' | 'maxWallMinutes' | 'maxConsecutiveFailures';
  label: string;
  hint?: string;
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal';
}) {
  const value = useNewRunStore((s) => s.form[props.field]);
  const setField = useNewRunStore((s) => s.set);
  return (
    <Field field={props.field} label={props.label} hint={props.hint}>
      {(p) => (
        <input
          {...p}
          value={value}
          placeholder={props.placeholder}
          inputMode={props.inputMode}
          onChange={(e) => setField(props.field, e.target.value)}
        />
      )}
    </Field>
  );
}

function SelectField<K extends 'sandbox' | 'network' | 'mode' | 'direction'>(props: {
  field: K;
  label: string;
  options: Options<string>;
  hint?: ReactNode;
}) {
  const value = useNewRunStore((s) => s.form[props.field]);
  const setField = useNewRunStore((s) => s.set);
  return (
    <Field field={props.field} label={props.label} hint={props.hint}>
      {(p) => (
        <select
          {...p}
          value={value ?? ''}
          onChange={(e) =>
            setField(props.field, (e.target.value === '' ? null : e.target.value) as ProjectForm[K])
          }
        >
          {props.options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function GoalSection() {
  const form = useNewRunStore((s) => s.form);
  const setField = useNewRunStore((s) => s.set);
  const metrics = useNewRunStore((s) => s.metrics);
  const preview = useNewRunStore((s) => s.preview.value);
  const task = preview?.ok ? preview.summary?.task.type : undefined;
  const known = metrics.find((m) => m.name === form.metric || m.aliases.includes(form.metric));
  const suggested = metrics.filter((m) => !task || m.task === task);
  const usual = known ? `${known.direction} is better` : 'the metric’s usual direction';
  return (
    <section className="card" aria-labelledby="sec-goal">
      <h2 id="sec-goal">Goal</h2>
      <div className="form">
        <Field field="task" label="Task" hint="One sentence: what the model should do.">
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={form.task}
              placeholder="Predict whether a customer will churn from their account details."
              onChange={(e) => setField('task', e.target.value)}
            />
          )}
        </Field>
        <Field
          field="metric"
          label="Metric"
          hint={
            known
              ? `${known.description} (${known.direction} is better)`
              : `Empty: ${task === 'regression' ? 'rmse' : 'accuracy'} for ${task ?? 'the data'}'s task.`
          }
        >
          {(p) => (
            <>
              <input
                {...p}
                list="metric-names"
                value={form.metric}
                spellCheck={false}
                onChange={(e) => setField('metric', e.target.value)}
              />
              <datalist id="metric-names">
                {suggested.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.task}, {m.direction} is better
                  </option>
                ))}
              </datalist>
            </>
          )}
        </Field>
        <SelectField
          field="direction"
          label="Direction"
          options={[
            ['auto', `As the metric says (${usual})`],
            ['higher', 'Higher is better'],
            ['lower', 'Lower is better'],
          ]}
          hint={
            known && form.direction !== 'auto' && form.direction !== known.direction
              ? `Overrides ${known.name}’s usual direction (${known.direction} is better).`
              : undefined
          }
        />
        <TextField
          field="target"
          label="Target"
          inputMode="decimal"
          placeholder="e.g. 0.85"
          hint="The run stops when the hidden holdout score reaches it. Empty: run to the limits."
        />
      </div>
    </section>
  );
}

function WorkspaceSection() {
  const mode = useNewRunStore((s) => s.form.mode);
  const path = useNewRunStore((s) => s.form.workspace);
  const setField = useNewRunStore((s) => s.set);
  const ws = useNewRunStore((s) => s.workspace.value);
  const said = ws ? (mode === 'greenfield' ? ws.greenfield : ws.brownfield) : null;
  return (
    <section className="card" aria-labelledby="sec-workspace">
      <h2 id="sec-workspace">Workspace</h2>
      <div className="form">
        <SelectField
          field="mode"
          label="Mode"
          options={[
            ['greenfield', 'Greenfield: new code in an empty folder'],
            ['brownfield', 'Brownfield: improve an existing repository'],
          ]}
        />
        <Field
          field="workspace"
          label="Workspace folder"
          hint={
            <>
              {ws?.git && (
                <span className="git-state" data-testid="git-state">
                  git: {ws.git.branch ?? 'detached HEAD'}, {ws.git.dirtyFiles} uncommitted{' '}
                  {ws.git.dirtyFiles === 1 ? 'file' : 'files'}
                </span>
              )}
              {said && <span className={said.possible ? undefined : 'warn-text'}>{said.text}</span>}
            </>
          }
        >
          {(p) => (
            <div className="path-row">
              <input
                {...p}
                value={path}
                spellCheck={false}
                placeholder={mode === 'greenfield' ? 'empty: a new folder' : '/path/to/repository'}
                onChange={(e) => setField('workspace', e.target.value)}
              />
              <BrowseFolder purpose="workspace" current={path} onPicked={(v) => setField('workspace', v)} />
            </div>
          )}
        </Field>
      </div>
    </section>
  );
}

function SandboxSection() {
  const settings = useAppStore((s) => s.settings);
  const forceCpu = useNewRunStore((s) => s.form.forceCpu);
  const kind = useNewRunStore((s) => s.form.sandbox) ?? settings?.defaultSandbox ?? 'docker';
  const setField = useNewRunStore((s) => s.set);
  const sandbox = useNewRunStore((s) => s.sandbox);
  const refresh = useNewRunStore((s) => s.refreshSandbox);
  const status = sandbox.value;
  return (
    <section className="card" aria-labelledby="sec-sandbox">
      <h2 id="sec-sandbox">Sandbox</h2>
      <div className="form">
        <SelectField
          field="sandbox"
          label="Sandbox"
          options={[
            ['', `Settings default (${settings?.defaultSandbox ?? 'docker'})`],
            ['docker', 'Docker container (isolated)'],
            ['local', 'Local Python in an OS sandbox'],
            ['local-unisolated', 'Local Python, NOT isolated'],
          ]}
          hint={
            <span role="status" data-testid="docker-status">
              {kind === 'docker' && sandbox.status === 'loading' && 'Asking Docker…'}
              {kind === 'docker' && status?.ready && (
                <span className="ok-text">
                  Docker {status.docker.version} answers; image {status.defaultImage} is there.
                </span>
              )}
              {kind === 'docker' && status && !status.ready && (
                <span className="warn-text">
                  {[status.docker.problem?.message ?? 'No sandbox image yet.', ...status.advice]
                    .filter((t, i, all) => all.indexOf(t) === i && !(i > 0 && all[0]!.includes(t)))
                    .join(' ')}{' '}
                  <button type="button" className="link" onClick={() => void refresh()}>
                    Check again
                  </button>
                </span>
              )}
              {kind === 'docker' && sandbox.status === 'error' && (
                <span className="warn-text">{sandbox.error}</span>
              )}
              {kind !== 'docker' && status && (
                <span>
                  OS sandbox:{' '}
                  {status.osSandbox.available ? status.osSandbox.program : status.osSandbox.reason}
                </span>
              )}
            </span>
          }
        />
        <SelectField
          field="network"
          label="Network"
          options={[
            ['', `Settings default (${settings?.defaultNetwork ?? 'none'})`],
            ['none', 'None (recommended)'],
            ['bridge', 'Bridge (internet access)'],
          ]}
        />
        <Field
          field="forceCpu"
          label="Force CPU"
          hint={status?.gpu.note ?? 'Run without the GPU even where there is one.'}
        >
          {(p) => (
            <input
              {...p}
              type="checkbox"
              checked={forceCpu ?? settings?.forceCpu ?? false}
              onChange={(e) => setField('forceCpu', e.target.checked)}
            />
          )}
        </Field>
      </div>
    </section>
  );
}

function LimitsSection() {
  const settings = useAppStore((s) => s.settings);
  return (
    <section className="card" aria-labelledby="sec-limits">
      <h2 id="sec-limits">Limits and budgets</h2>
      <div className="form">
        <TextField
          field="maxSteps"
          label="Max steps"
          inputMode="numeric"
          placeholder={String(settings?.defaultMaxSteps ?? 30)}
          hint="Experiments before the run stops."
        />
        <TextField
          field="maxCostUsd"
          label="Max cost (USD)"
          inputMode="decimal"
          placeholder="no limit"
          hint="LLM spend after which the run stops."
        />
        <TextField
          field="maxWallMinutes"
          label="Max wall clock (minutes)"
          inputMode="decimal"
          placeholder="no limit"
        />
        <TextField
          field="maxConsecutiveFailures"
          label="Max failures in a row"
          inputMode="numeric"
          placeholder="10"
        />
      </div>
    </section>
  );
}

function ProjectFile() {
  const importYaml = useNewRunStore((s) => s.importYaml);
  const exportYaml = useNewRunStore((s) => s.exportYaml);
  const note = useNewRunStore((s) => s.fileNote);
  const fileInput = useRef<HTMLInputElement>(null);
  const download = async () => {
    const yaml = await exportYaml();
    if (yaml === null) return;
    const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'project.yaml';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="file-bar">
      <input
        ref={fileInput}
        type="file"
        accept=".yaml,.yml"
        hidden
        aria-label="project.yaml to import"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void file.text().then(importYaml);
          e.target.value = '';
        }}
      />
      <button type="button" className="secondary" onClick={() => fileInput.current?.click()}>
        Import project.yaml
      </button>
      <button type="button" className="secondary" onClick={() => void download()}>
        Export project.yaml
      </button>
      {note && (
        <span role="status" className={note.kind === 'error' ? 'field-error' : 'hint'}>
          {note.text}
        </span>
      )}
    </div>
  );
}

function StartBar() {
  const canStart = useCanStart();
  const start = useNewRunStore((s) => s.start);
  const starting = useNewRunStore((s) => s.starting);
  const startError = useNewRunStore((s) => s.startError);
  const validation = useNewRunStore((s) => s.validation);
  const formIssues = useFieldIssues('form');
  const count = validation.value?.issues.length ?? 0;
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const id = await start();
    if (id) location.hash = runHash(id);
  };
  return (
    <form className="card start-bar" onSubmit={(e) => void onSubmit(e)} aria-label="Start the run">
      {formIssues.length > 0 && (
        <ul role="alert" className="problems">
          {formIssues.map((m) => (
            <li key={m} className="field-error">
              {m}
            </li>
          ))}
        </ul>
      )}
      {validation.value?.warnings.map((w) => (
        <p key={w} className="notes">
          {w}
        </p>
      ))}
      <div className="actions">
        <button type="submit" disabled={!canStart}>
          {starting ? 'Starting…' : 'Start run'}
        </button>
        <span role="status" className="hint" data-testid="validation-status">
          {validation.status === 'loading'
            ? 'Checking…'
            : validation.status === 'error'
              ? validation.error
              : validation.value?.ok
                ? 'Ready to start.'
                : count > 0
                  ? `Fix ${count === 1 ? 'the problem' : `the ${count} problems`} shown in red.`
                  : 'Fill in the dataset and the task.'}
        </span>
      </div>
      {startError && (
        <p role="alert" className="field-error">
          {startError}
        </p>
      )}
    </form>
  );
}

/** New run: everything a run takes, checked by the engine field by field before Start is offered. */
export function NewRunPage() {
  const init = useNewRunStore((s) => s.init);
  const setField = useNewRunStore((s) => s.set);
  const name = useNewRunStore((s) => s.form.name);
  useEffect(() => init(), [init]);
  return (
    <div className="new-run">
      <header className="page-header row">
        <h1>New run</h1>
        <ProjectFile />
      </header>
      <DatasetSection />
      <GoalSection />
      <WorkspaceSection />
      <SandboxSection />
      <LimitsSection />
      <section className="card" aria-labelledby="sec-models">
        <h2 id="sec-models">Models and name</h2>
        <div className="form">
          <ModelField field="actorModel" label="Actor model" />
          <ModelField field="criticModel" label="Critic model" />
          <Field field="name" label="Run name (optional)">
            {(p) => <input {...p} value={name} onChange={(e) => setField('name', e.target.value)} />}
          </Field>
        </div>
      </section>
      <StartBar />
    </div>
  );
}

import { useShallow } from 'zustand/react/shallow';
import { useEffect, type FormEvent } from 'react';
import type { PolicyInfo, PolicyRules } from '../../../../engine/api';
import { rulesText, usePolicyView } from './policy-store';
import { RemoteState, Section } from './Section';
import { useSettingsView } from './store';

const LISTS: [keyof PolicyRules, string][] = [
  ['blockedTokens', 'Blocked commands'],
  ['blockedPatterns', 'Blocked patterns (regular expressions)'],
  ['allowPathsOutsideWorkspace', 'Writable places outside the workspace'],
];

export function PolicySection() {
  const policy = usePolicyView((s) => s.policy);
  const load = usePolicyView((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Section
      id="policy"
      title="Safety policy"
      intro="Every command and Python file the agent runs is checked against this policy before it runs. The shipped rules always apply; your additions add to them and can remove none."
    >
      <RemoteState
        what="the safety policy"
        status={policy.status}
        error={policy.error}
        retry={() => void load()}
      />
      {policy.data && (
        <>
          <EffectivePolicy info={policy.data} />
          <PolicyEditor info={policy.data} />
        </>
      )}
      <PolicyCheck />
    </Section>
  );
}

function EffectivePolicy({ info }: { info: PolicyInfo }) {
  const { userFile } = info;
  return (
    <>
      <p data-testid="policy-file">
        Your additions: <code>{userFile.path}</code>{' '}
        {userFile.error ? (
          <span className="badge warn">does not load</span>
        ) : userFile.exists ? (
          <span className="badge ok">in use</span>
        ) : (
          <span className="badge muted">not created yet</span>
        )}
      </p>
      {userFile.error && (
        <p className="field-error" role="alert">
          {userFile.error} Runs refuse to start until it is fixed: correct it below, or in the file.
        </p>
      )}
      <h3>Effective policy</h3>
      <p className="hint">The shipped rules and yours together (yours are outlined).</p>
      <div className="policy-lists" data-testid="effective-policy">
        {LISTS.map(([key, title]) => {
          const mine = new Set(
            info.user[key].map((v) => (key === 'blockedTokens' ? v.trim().toLowerCase() : v)),
          );
          const items = info.effective[key];
          return (
            <details key={key} open={key === 'blockedTokens' ? true : undefined}>
              <summary>
                {title}: {items.length}
                {mine.size > 0 ? ` (${mine.size} yours)` : ''}
              </summary>
              {items.length === 0 ? (
                <p className="hint">None.</p>
              ) : (
                <ul className="chips">
                  {items.map((item) => (
                    <li key={item} className={mine.has(item) ? 'chip yours' : 'chip'}>
                      <code>{item}</code>
                      {mine.has(item) && <span className="visually-hidden"> (yours)</span>}
                    </li>
                  ))}
                </ul>
              )}
            </details>
          );
        })}
      </div>
    </>
  );
}

function PolicyEditor({ info }: { info: PolicyInfo }) {
  const { text, issues, saving, savedAt, edit, discard, save } = usePolicyView(
    useShallow((s) => ({
      text: s.text,
      issues: s.issues,
      saving: s.saving,
      savedAt: s.savedAt,
      edit: s.edit,
      discard: s.discard,
      save: s.save,
    })),
  );
  const shown = text ?? rulesText(info.user);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  return (
    <form onSubmit={submit} aria-label="Your policy additions" noValidate>
      <h3>
        <label htmlFor="policy-additions">Your additions (JSON)</label>
      </h3>
      <p className="hint" id="policy-additions-help">
        Three lists: <code>blockedTokens</code> (command names), <code>blockedPatterns</code> (regular
        expressions, case-insensitive) and <code>allowPathsOutsideWorkspace</code> (absolute or{' '}
        <code>~/</code> paths). Every rule is checked; nothing is saved while one is wrong.
      </p>
      <textarea
        id="policy-additions"
        className="policy-editor"
        spellCheck={false}
        value={shown}
        aria-invalid={issues.length > 0}
        aria-describedby="policy-additions-help policy-additions-msg"
        onChange={(e) => edit(e.target.value)}
      />
      <div id="policy-additions-msg">
        {issues.length > 0 && (
          <ul className="field-error issues" role="alert" aria-label="Why the additions were not saved">
            {issues.map((i) => (
              <li key={`${i.path}:${i.message}`}>
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="actions">
        <button type="submit" disabled={text === null || saving}>
          {saving ? 'Saving…' : 'Save additions'}
        </button>
        <button type="button" className="secondary" disabled={text === null || saving} onClick={discard}>
          Discard
        </button>
        <span className="hint" aria-live="polite" data-testid="policy-save-status">
          {issues.length > 0 ? 'Not saved.' : text !== null ? 'Unsaved changes.' : savedAt ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

function PolicyCheck() {
  const { check, verdict, setCheck, runCheck } = usePolicyView(
    useShallow((s) => ({ check: s.check, verdict: s.verdict, setCheck: s.setCheck, runCheck: s.runCheck })),
  );
  const home = useSettingsView((s) => s.storage.data?.locations.find((l) => l.id === 'home')?.path ?? '');
  const workspace = check.workspace || home;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!check.workspace) setCheck({ workspace });
    void runCheck();
  };
  return (
    <form onSubmit={submit} aria-label="Check a command" className="policy-check" noValidate>
      <h3>Check a command</h3>
      <div className="form">
        <label htmlFor="check-command">Command</label>
        <input
          id="check-command"
          value={check.command}
          placeholder="e.g. pip install torch"
          onChange={(e) => setCheck({ command: e.target.value })}
        />
        <label htmlFor="check-workspace">Workspace</label>
        <div>
          <input
            id="check-workspace"
            value={workspace}
            onChange={(e) => setCheck({ workspace: e.target.value })}
          />
          <p className="hint">The folder the command would run in (absolute).</p>
        </div>
        <label htmlFor="check-place">Runs</label>
        <select
          id="check-place"
          value={check.place}
          onChange={(e) => setCheck({ place: e.target.value as 'sandbox' | 'host' })}
        >
          <option value="sandbox">in the sandbox (/workspace, its own HOME and /tmp)</option>
          <option value="host">on this machine</option>
        </select>
        <div className="actions">
          <button type="submit" disabled={check.command.trim() === '' || verdict.status === 'loading'}>
            {verdict.status === 'loading' ? 'Checking…' : 'Check'}
          </button>
        </div>
      </div>
      <div aria-live="polite" data-testid="policy-verdict">
        {verdict.status === 'error' && <p className="field-error">{verdict.error}</p>}
        {verdict.status === 'ready' &&
          (verdict.data.allowed ? (
            <p>
              <span className="badge ok">allowed</span> The policy lets this{' '}
              {verdict.data.kind === 'shell' ? 'command' : 'file'} run.
            </p>
          ) : (
            <p>
              <span className="badge danger">blocked</span> {verdict.data.reason}
              {verdict.data.rule && (
                <>
                  {' '}
                  <span className="hint">(rule {verdict.data.rule})</span>
                </>
              )}
            </p>
          ))}
      </div>
    </form>
  );
}

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CatalogModelInfo, ProviderName, SetupCheckItem } from '../../../../engine/api';
import { fuzzyScore } from '../new-run/fuzzy';
import { fmtToolSupport } from '../../lib/format';
import { BuildProgress } from '../settings/SandboxSection';
import { useSandboxView } from '../settings/sandbox-store';
import { PROVIDER_LABELS, STEPS, STEP_LABELS, urlProblem, useSetupStore, type Step } from './store';

/**
 * The set-up wizard: shown instead of the dashboard on a first start (no provider configured, not skipped),
 * and from Settings' "Run set-up again". One form per step: Enter goes on, Back goes back, the step's heading
 * takes the focus when it changes. Nothing is saved before Finish.
 */
export function SetupWizard({ again }: { again: boolean }) {
  const step = useSetupStore((s) => s.step);
  const start = useSetupStore((s) => s.start);
  const goTo = useSetupStore((s) => s.goTo);
  const finish = useSetupStore((s) => s.finish);
  const skip = useSetupStore((s) => s.skip);
  const finishing = useSetupStore((s) => s.finishing);
  const finishError = useSetupStore((s) => s.finishError);
  const canGoOn = useCanGoOn(step);
  // The step on which Next was refused: its reason shows until the step changes.
  const [triedOn, setTriedOn] = useState<Step | null>(null);
  const tried = triedOn === step;
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => start(), [start]);
  useEffect(() => {
    // Not on the first render: the page's own heading is read first; after that each step's title.
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [step]);

  const index = STEPS.indexOf(step);
  const last = index === STEPS.length - 1;
  const next = async (event: FormEvent) => {
    event.preventDefault();
    if (!canGoOn.ok) {
      setTriedOn(step);
      return;
    }
    if (!last) return goTo(STEPS[index + 1]!);
    if (await finish()) location.hash = '#/new';
  };
  const leave = async () => {
    if (again) location.hash = '#/settings';
    else if (await skip()) location.hash = '#/runs';
  };

  return (
    <div className="setup-wizard" data-testid="setup-wizard" data-step={step}>
      <header className="page-header">
        <h1>{again ? 'Set-up' : 'Welcome to mle-beast'}</h1>
        <p className="hint">
          {again
            ? 'Check the provider, the model and the sandbox again; your settings change only when you finish.'
            : 'Five short steps: the LLM that runs the agent, its key, a live check, the model, and the sandbox the agent works in.'}
        </p>
        <ol className="wizard-steps" aria-label="Set-up steps">
          {STEPS.map((s, i) => (
            <li
              key={s}
              aria-current={s === step ? 'step' : undefined}
              className={i < index ? 'done' : s === step ? 'current' : ''}
            >
              <span className="step-number" aria-hidden="true">
                {i + 1}
              </span>
              {STEP_LABELS[s]}
              {i < index && <span className="visually-hidden"> (done)</span>}
            </li>
          ))}
        </ol>
      </header>
      <form
        className="card wizard-card"
        onSubmit={(e) => void next(e)}
        aria-labelledby="wizard-step-title"
        noValidate
      >
        <h2 id="wizard-step-title" ref={heading} tabIndex={-1}>
          Step {index + 1} of {STEPS.length}: {STEP_TITLES[step]}
        </h2>
        {step === 'provider' && <ProviderStep tried={tried} />}
        {step === 'key' && <KeyStep />}
        {step === 'check' && <CheckStep />}
        {step === 'model' && <ModelStep />}
        {step === 'sandbox' && <SandboxStep />}
        {tried && !canGoOn.ok && canGoOn.why && !canGoOn.onField && (
          <p className="field-error" role="alert" data-testid="wizard-blocked">
            {canGoOn.why}
          </p>
        )}
        {finishError && (
          <p className="field-error" role="alert">
            Not saved: {finishError}
          </p>
        )}
        <div className="wizard-actions">
          <button
            type="button"
            className="secondary"
            disabled={index === 0}
            onClick={() => goTo(STEPS[index - 1]!)}
          >
            Back
          </button>
          <button type="submit" disabled={finishing}>
            {last ? (finishing ? 'Saving…' : 'Finish') : 'Next'}
          </button>
          <button type="button" className="link" onClick={() => void leave()}>
            {again ? 'Cancel' : 'Skip set-up'}
          </button>
        </div>
        {!again && (
          <p className="hint">Skipped, it can be opened again from Settings (“Run set-up again”).</p>
        )}
      </form>
    </div>
  );
}

const STEP_TITLES: Record<Step, string> = {
  provider: 'Which LLM provider?',
  key: 'The API key',
  check: 'Live check of the provider',
  model: 'Choose the model',
  sandbox: 'The sandbox',
};

/** Whether Next may go on from this step, and if not, why (said when the user tries). */
function useCanGoOn(step: Step): { ok: boolean; why: string | null; onField?: boolean } {
  const provider = useSetupStore((s) => s.provider);
  const baseUrl = useSetupStore((s) => s.baseUrl);
  const check = useSetupStore((s) => s.check);
  const model = useSetupStore((s) => s.model);
  switch (step) {
    case 'provider':
      if (!provider) return { ok: false, why: 'Choose a provider to go on.' };
      if (provider === 'local') {
        const problem = urlProblem(baseUrl);
        // Said under the URL field itself (ProviderStep), read with it.
        return { ok: problem === null, why: problem, onField: true };
      }
      return { ok: true, why: null };
    case 'check': {
      if (check.status !== 'ready') return { ok: false, why: 'Wait for the check to finish.' };
      const catalog = check.data.checks.find((c) => c.id === 'catalog');
      return catalog?.status === 'ok'
        ? { ok: true, why: null }
        : {
            ok: false,
            why: 'The model list must be read before a model can be chosen: see what to do above.',
          };
    }
    case 'model':
      return model ? { ok: true, why: null } : { ok: false, why: 'Choose a model from the list.' };
    default:
      return { ok: true, why: null };
  }
}

function ProviderStep({ tried }: { tried: boolean }) {
  const provider = useSetupStore((s) => s.provider);
  const choose = useSetupStore((s) => s.choose);
  const baseUrl = useSetupStore((s) => s.baseUrl);
  const setBaseUrl = useSetupStore((s) => s.setBaseUrl);
  const problem = provider === 'local' ? urlProblem(baseUrl) : null;
  const hints: Record<ProviderName, string> = {
    openrouter: 'Hundreds of models (Claude, GPT, Gemini, DeepSeek…) with one key. Needs OPENROUTER_API_KEY.',
    openai: 'OpenAI’s own models. Needs OPENAI_API_KEY.',
    local: 'Ollama, LM Studio, vLLM, llama.cpp… on this machine or your network. No key needed.',
  };
  return (
    <>
      <fieldset className="choices">
        <legend>The LLM the agent thinks with</legend>
        {(['openrouter', 'openai', 'local'] as const).map((p) => (
          <label key={p} className="choice">
            <input
              type="radio"
              name="provider"
              value={p}
              checked={provider === p}
              onChange={() => choose(p)}
            />
            <span>
              <strong>{PROVIDER_LABELS[p]}</strong>
              <span className="hint">{hints[p]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {provider === 'local' && (
        <div className="form">
          <label htmlFor="setup-base-url">Server URL</label>
          <div>
            <input
              id="setup-base-url"
              inputMode="url"
              spellCheck={false}
              placeholder="http://127.0.0.1:11434/v1"
              value={baseUrl}
              aria-invalid={tried && problem !== null}
              aria-describedby={
                tried && problem ? 'setup-base-url-error setup-base-url-hint' : 'setup-base-url-hint'
              }
              onChange={(e) => setBaseUrl(e.target.value)}
            />
            {tried && problem && (
              <p className="field-error" role="alert" id="setup-base-url-error" data-testid="wizard-blocked">
                {problem}
              </p>
            )}
            <p className="hint" id="setup-base-url-hint">
              The server’s OpenAI-compatible base URL, usually ending in /v1 (Ollama:
              http://127.0.0.1:11434/v1).
            </p>
          </div>
        </div>
      )}
    </>
  );
}

function KeyStep() {
  const provider = useSetupStore((s) => s.provider);
  const status = useSetupStore((s) => s.status);
  const secrets = useSetupStore((s) => s.secrets);
  const reload = useSetupStore((s) => s.loadStatus);
  if (provider === 'local' || provider === null) {
    return (
      <p data-testid="key-not-needed">
        A local server needs no key. If yours asks for one, set <code>LOCAL_LLM_API_KEY</code> in the shell or
        the <code>.env</code> file.
      </p>
    );
  }
  const variable = provider === 'openai' ? 'OPENAI_API_KEY' : 'OPENROUTER_API_KEY';
  const credential = status.data?.credentials.find((c) => c.provider === provider);
  const entry = secrets.data?.entries.find((e) => e.variable === variable);
  const canSave = secrets.data !== null && secrets.data.backend !== 'none' && secrets.data.error === null;
  return (
    <div data-testid="key-step">
      {credential?.set ? (
        <p data-testid="key-set">
          <span className="badge ok">set</span> <code>{variable}</code>{' '}
          {credential.source === 'keychain'
            ? `is saved in the app${entry?.masked ? ` (${entry.masked})` : ''}`
            : credential.source === 'shell'
              ? 'is set in the shell'
              : credential.source === 'dotenv'
                ? 'is set in .env'
                : 'is set'}
          : the live check comes next.
        </p>
      ) : (
        <p>
          <span className="badge warn">not set</span> <code>{variable}</code> is not set.{' '}
          {canSave ? 'Paste your key below to save it,' : 'Set it in one of the places below,'} then go on.
        </p>
      )}
      {entry?.overriddenBy && (
        <p className="notes">
          A {variable} in {entry.overriddenBy === 'shell' ? 'the shell' : '.env'} is used before the saved
          one.
        </p>
      )}
      {canSave && <KeyForm variable={variable} replace={entry?.saved ?? false} />}
      {secrets.status === 'error' && (
        <p className="field-error" role="alert">
          Could not read where keys are saved: {secrets.error}
        </p>
      )}
      {secrets.data?.error && (
        <p className="field-error" role="alert">
          {secrets.data.error}
        </p>
      )}
      {!canSave && secrets.data && <p className="hint">{secrets.data.explanation}</p>}
      <ul className="key-places">
        <li>
          A line in <code>{status.data?.dotenvPath ?? '.env'}</code>: <code>{variable}=sk-…</code> (read at
          once, no restart).
        </li>
        <li>
          The shell that starts mle-beast: <code>export {variable}=sk-…</code>, then start it again.
        </li>
      </ul>
      <button
        type="button"
        className="secondary small"
        onClick={() => void reload()}
        disabled={status.status === 'loading'}
      >
        {status.status === 'loading' ? 'Checking…' : 'Check again'}
      </button>
      {status.status === 'error' && (
        <p className="field-error" role="alert">
          Could not read the provider status: {status.error}
        </p>
      )}
    </div>
  );
}

/**
 * The key, typed once and sent to secrets.set: it goes to the host's store (the OS keychain; plain text only
 * with the user's agreement) and is cleared from the field; only its masked form ever comes back.
 */
function KeyForm({
  variable,
  replace,
}: {
  variable: 'OPENROUTER_API_KEY' | 'OPENAI_API_KEY';
  replace: boolean;
}) {
  const secrets = useSetupStore((s) => s.secrets.data);
  const saveKey = useSetupStore((s) => s.saveKey);
  const saving = useSetupStore((s) => s.savingKey);
  const error = useSetupStore((s) => s.keyError);
  const [value, setValue] = useState('');
  const [consent, setConsent] = useState(false);
  const needsConsent = secrets?.needsConsent ?? false;
  const save = async () => {
    if (await saveKey(variable, value, consent)) setValue('');
  };
  return (
    <div className="form key-form">
      <label htmlFor="setup-key">{replace ? 'Replace the saved key' : 'API key'}</label>
      <div>
        <input
          id="setup-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={variable === 'OPENAI_API_KEY' ? 'sk-…' : 'sk-or-…'}
          aria-invalid={error !== null}
          aria-describedby={error ? 'setup-key-error setup-key-hint' : 'setup-key-hint'}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            // Enter saves the key rather than going on without it.
            if (e.key === 'Enter') {
              e.preventDefault();
              if (value.trim()) void save();
            }
          }}
        />
        {error && (
          <p className="field-error" role="alert" id="setup-key-error">
            {error}
          </p>
        )}
        <p className="hint" id="setup-key-hint">
          {secrets?.explanation}
        </p>
        {needsConsent && (
          <label className="consent">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
            Store it as plain text: this machine offers no keychain, so anyone who can read your files can
            read it.
          </label>
        )}
        <button
          type="button"
          onClick={() => void save()}
          disabled={saving || value.trim() === '' || (needsConsent && !consent)}
        >
          {saving ? 'Saving…' : 'Save key'}
        </button>
      </div>
    </div>
  );
}

const STATUS_WORDS = { ok: 'ok', warn: 'warning', fail: 'failed', skipped: 'skipped' } as const;

/** The checks as a list: a badge, what was found, and what to do when it is not ok. */
export function CheckList({ checks, label }: { checks: SetupCheckItem[]; label: string }) {
  return (
    <ul className="check-list" aria-label={label}>
      {checks.map((c) => (
        <li key={c.id} data-testid={`check-${c.id}`} data-status={c.status}>
          <span
            className={`badge ${c.status === 'ok' ? 'ok' : c.status === 'skipped' ? 'muted' : c.status === 'warn' ? 'warn' : 'danger'}`}
          >
            {STATUS_WORDS[c.status]}
          </span>
          <strong>{c.label}</strong>
          <span className="check-detail">{c.detail}</span>
          {c.fix && (
            <p className="fix">
              <strong>What to do:</strong> {c.fix}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function CheckStep() {
  const check = useSetupStore((s) => s.check);
  const run = useSetupStore((s) => s.runCheck);
  const provider = useSetupStore((s) => s.provider);
  const baseUrl = useSetupStore((s) => s.baseUrl);
  const where = provider === 'local' ? baseUrl : provider ? PROVIDER_LABELS[provider] : '';
  // The model is chosen next: its check (against the default) would only confuse here.
  const shown = check.data?.checks.filter((c) => c.id !== 'model') ?? [];
  return (
    <div aria-live="polite">
      {check.status === 'loading' && (
        <p className="hint" aria-busy="true">
          Asking {where} for its model list…
        </p>
      )}
      {check.status === 'error' && (
        <p className="field-error" role="alert">
          The check could not run: {check.error}
        </p>
      )}
      {check.data && check.status !== 'loading' && <CheckList checks={shown} label="Provider checks" />}
      <button
        type="button"
        className="secondary small"
        onClick={() => void run()}
        disabled={check.status === 'loading'}
      >
        Check again
      </button>
    </div>
  );
}

const SHOWN_MODELS = 40;
const fmtPrice = (m: CatalogModelInfo): string =>
  m.inputPricePerMillion === null
    ? 'price not given'
    : `$${m.inputPricePerMillion} in / $${m.outputPricePerMillion ?? '?'} out per 1M tokens`;

function ModelStep() {
  const catalog = useSetupStore((s) => s.check.data?.catalog ?? null);
  const model = useSetupStore((s) => s.model);
  const setModel = useSetupStore((s) => s.setModel);
  const [search, setSearch] = useState('');
  const matches = useMemo(() => {
    const models = catalog?.models ?? [];
    if (search.trim() === '') return models;
    return models
      .map((m) => ({ m, score: Math.max(fuzzyScore(search, m.id), fuzzyScore(search, m.name ?? '')) }))
      .filter((x) => x.score >= 0)
      .sort((a, b) => b.score - a.score)
      .map((x) => x.m);
  }, [catalog, search]);
  if (!catalog) return <p className="field-error">No model list: go back to the live check.</p>;
  return (
    <>
      <p className="hint">
        {catalog.models.length} model{catalog.models.length === 1 ? '' : 's'} from{' '}
        <code>{catalog.baseURL}</code>. Prices are per million tokens, as the provider lists them.
      </p>
      <div className="inline-field">
        <label htmlFor="setup-model-search">Search models</label>
        <input
          id="setup-model-search"
          type="search"
          value={search}
          placeholder="e.g. gpt mini, deepseek"
          spellCheck={false}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
        />
      </div>
      <p role="status" className="hint" data-testid="chosen-model">
        {model ? (
          <>
            Chosen: <code>{model}</code>
          </>
        ) : (
          'No model chosen yet.'
        )}
      </p>
      {matches.length === 0 ? (
        <p className="hint">
          {catalog.models.length === 0
            ? 'The provider lists no models: load one on the server, then go back and check again.'
            : `No model matches “${search}”. Try fewer letters.`}
        </p>
      ) : (
        <fieldset className="choices model-choices">
          <legend className="visually-hidden">Model</legend>
          {matches.slice(0, SHOWN_MODELS).map((m) => (
            <label key={m.id} className="choice">
              <input
                type="radio"
                name="model"
                value={m.id}
                checked={model === m.id}
                onChange={() => setModel(m.id)}
              />
              <span>
                <code>{m.id}</code>
                {m.name && m.name !== m.id && <span className="hint"> {m.name}</span>}
                <span className="hint">
                  {fmtPrice(m)}
                  {m.supportsTools == null ? '' : ` · ${fmtToolSupport(m.supportsTools)}`}
                </span>
              </span>
            </label>
          ))}
          {matches.length > SHOWN_MODELS && (
            <p className="hint">
              Showing {SHOWN_MODELS} of {matches.length}: search to narrow the list.
            </p>
          )}
        </fieldset>
      )}
    </>
  );
}

function SandboxStep() {
  const check = useSetupStore((s) => s.sandbox);
  const run = useSetupStore((s) => s.runSandboxCheck);
  const build = useSandboxView((s) => s.build);
  const startBuild = useSandboxView((s) => s.startBuild);
  const follow = useSandboxView((s) => s.follow);
  useEffect(() => follow(), [follow]);
  // A build that ended well changes the image check: ask again.
  const builtOk = build?.finished?.ok === true;
  useEffect(() => {
    if (builtOk) void run();
  }, [builtOk, run]);

  const checks = check.data?.checks ?? [];
  const docker = checks.find((c) => c.id === 'docker');
  const image = checks.find((c) => c.id === 'image');
  const building = build !== null && build.finished === null && build.error === null;
  const canBuild = docker?.status === 'ok' && image !== undefined && image.status !== 'ok';
  return (
    <div aria-live="polite">
      <p className="hint">
        The agent’s commands run in a sandbox: a Docker container (recommended) or, without Docker, local
        Python inside an OS sandbox. You can finish now and fix what is missing later (Settings → Sandbox).
      </p>
      {check.status === 'loading' && !check.data && (
        <p className="hint" aria-busy="true">
          Checking Docker, the sandbox image and the GPU…
        </p>
      )}
      {check.status === 'error' && (
        <p className="field-error" role="alert">
          The check could not run: {check.error}
        </p>
      )}
      {check.data && <CheckList checks={checks} label="Sandbox checks" />}
      <div className="actions">
        {(canBuild || building) && (
          <button type="button" onClick={() => void startBuild('offline')} disabled={building}>
            {building ? 'Building…' : 'Build the sandbox image'}
          </button>
        )}
        <button
          type="button"
          className="secondary small"
          onClick={() => void run()}
          disabled={check.status === 'loading'}
        >
          {check.status === 'loading' ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {build && <BuildProgress build={build} />}
    </div>
  );
}

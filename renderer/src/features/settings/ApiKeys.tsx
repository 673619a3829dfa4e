import { useEffect, type KeyboardEvent } from 'react';
import type { ProviderName, SecretEntry, SecretsStatus } from '../../../../engine/api';
import { api } from '../../api';
import { RemoteState } from './Section';
import { useSecretsView } from './secrets-store';

const PROVIDER_LABEL: Record<ProviderName, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  local: 'Local server',
};

const OVERRIDDEN_BY = { shell: 'the shell', dotenv: 'the .env file' } as const;

/**
 * The keys the app saves for the user: per provider a password field, Save and Remove, the masked form of a
 * saved key, where keys go (the host's store, said plainly) and, where that is plain text, the user's agreement.
 * Lives inside the Settings form, so Enter in a key field saves that key instead of submitting the form.
 */
export function ApiKeys() {
  const status = useSecretsView((s) => s.status);
  const load = useSecretsView((s) => s.load);
  const changed = useSecretsView((s) => s.changed);
  useEffect(() => {
    void load();
    // Another window (or the wizard) saved or removed a key.
    return api.on('secrets.changed', changed);
  }, [load, changed]);

  return (
    <div className="api-keys" data-testid="api-keys">
      <h3 id="api-keys-title">API keys</h3>
      <RemoteState what="the saved keys" status={status.status} error={status.error} retry={load} />
      {status.data && <Keys status={status.data} />}
    </div>
  );
}

function Keys({ status }: { status: SecretsStatus }) {
  const consent = useSecretsView((s) => s.consent);
  const setConsent = useSecretsView((s) => s.setConsent);
  const canStore = status.backend !== 'none' && status.error === null;
  return (
    <>
      <p className="hint" data-testid="keys-backend">
        <span className={`badge ${status.backend === 'os-keychain' ? 'ok' : 'warn'}`}>
          {BACKEND_LABEL[status.backend]}
        </span>{' '}
        {status.explanation}
      </p>
      {status.error && (
        <p className="field-error" role="alert" data-testid="keys-error">
          {status.error}
        </p>
      )}
      {canStore && status.needsConsent && (
        <label className="consent">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} /> I agree
          to keep my keys as plain text, as said above.
        </label>
      )}
      <div className="form keys-form">
        {status.entries.map((entry) => (
          <KeyField key={entry.variable} entry={entry} canStore={canStore} />
        ))}
      </div>
    </>
  );
}

const BACKEND_LABEL: Record<SecretsStatus['backend'], string> = {
  'os-keychain': 'OS keychain',
  'plain-text': 'plain text',
  'user-file': 'plain-text file',
  none: 'not saved here',
};

function KeyField({ entry, canStore }: { entry: SecretEntry; canStore: boolean }) {
  const draft = useSecretsView((s) => s.drafts[entry.variable] ?? '');
  const error = useSecretsView((s) => s.errors[entry.variable]);
  const done = useSecretsView((s) => s.done[entry.variable]);
  const busy = useSecretsView((s) => s.busy === entry.variable);
  const setDraft = useSecretsView((s) => s.draft);
  const save = useSecretsView((s) => s.save);
  const remove = useSecretsView((s) => s.remove);
  const provider = PROVIDER_LABEL[entry.provider];
  const id = `key-${entry.variable}`;
  const messageId = `${id}-msg`;
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The Settings form around would take Enter as "save the settings": here it saves this key.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void save(entry.variable);
  };

  return (
    <>
      <label htmlFor={canStore ? id : undefined} id={`${id}-label`}>
        {provider} key
        <br />
        <code className="small">{entry.variable}</code>
      </label>
      <div>
        <p className="key-state" data-testid={`key-state-${entry.variable}`}>
          {entry.saved ? (
            entry.masked ? (
              <>
                <span className="badge ok">saved</span> <code>{entry.masked}</code>
              </>
            ) : (
              <span className="badge warn">saved, unreadable</span>
            )
          ) : (
            <span className="badge muted">not saved</span>
          )}
          {entry.overriddenBy && (
            <span className="hint">
              {' '}
              {entry.variable} is set in {OVERRIDDEN_BY[entry.overriddenBy]}: that value is used
              {entry.saved ? ', not the saved key' : ''}.
            </span>
          )}
        </p>
        {entry.problem && <p className="field-error">{entry.problem}</p>}
        {canStore && (
          <div className="key-entry">
            <input
              id={id}
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={entry.saved ? 'a new key replaces the saved one' : 'paste the key'}
              value={draft}
              aria-invalid={error !== undefined}
              aria-describedby={messageId}
              disabled={busy}
              onChange={(e) => setDraft(entry.variable, e.target.value)}
              onKeyDown={onKeyDown}
            />
            <div className="key-actions">
              <button
                type="button"
                className="secondary small"
                disabled={busy}
                onClick={() => void save(entry.variable)}
              >
                Save {provider} key
              </button>
              {entry.saved && (
                <button
                  type="button"
                  className="secondary small"
                  disabled={busy}
                  onClick={() => void remove(entry.variable)}
                >
                  Remove {provider} key
                </button>
              )}
            </div>
          </div>
        )}
        <p
          id={messageId}
          className={error ? 'field-error' : 'hint'}
          // One status region per page (Settings' "Saved."): a key's own message is announced politely.
          role={error ? 'alert' : undefined}
          aria-live={error ? undefined : 'polite'}
          data-testid={`key-msg-${entry.variable}`}
        >
          {error ?? done ?? ''}
        </p>
      </div>
    </>
  );
}

import { useEffect } from 'react';
import type { ProviderStatus } from '../../../../engine/api';
import { useAppStore } from '../../state/app-store';
import { ApiKeys } from './ApiKeys';
import { ModelCatalog, ModelSuggestions } from './ModelCatalog';
import { Section, RemoteState } from './Section';
import { SettingField, type Options } from './SettingField';
import { useFieldRaw, useSettingsView } from './store';

const PROVIDERS: Options = [
  ['', 'Automatic: the first one with its key set'],
  ['openrouter', 'OpenRouter'],
  ['openai', 'OpenAI'],
  ['local', 'Local OpenAI-compatible server (Ollama, LM Studio, vLLM…)'],
];

const SOURCE_TEXT = {
  shell: 'in the shell',
  dotenv: 'in .env',
  keychain: 'as a saved key',
  app: 'in these settings',
  default: 'built in',
};

export function ProviderSection() {
  const savedProvider = useAppStore((s) => s.settings?.llmProvider ?? '');
  const provider = useFieldRaw('llmProvider', savedProvider);
  const status = useSettingsView((s) => s.provider);
  const load = useSettingsView((s) => s.loadProvider);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Section
      id="provider"
      title="Provider & model"
      intro="The LLM that new runs use. The shell environment and a .env file in the working folder come before the keys saved here and these settings."
    >
      <div className="form">
        <SettingField name="llmProvider" label="Provider" options={PROVIDERS} />
        {/* Automatic detection also finds a local server by this address, so it shows unless another is chosen. */}
        {(provider === 'local' || provider === '') && (
          <SettingField
            name="localBaseUrl"
            label="Local server URL"
            inputMode="url"
            placeholder="http://127.0.0.1:11434/v1"
            hint="The server's OpenAI-compatible base URL, usually ending in /v1. With Automatic, a URL here comes before any key."
          />
        )}
        <SettingField
          name="llmModel"
          label="Model"
          placeholder="the provider's default"
          hint="The model id as the provider lists it. Empty: the provider's default."
        />
      </div>
      <ModelSuggestions />
      <ApiKeys />
      <RemoteState what="the provider status" status={status.status} error={status.error} retry={load} />
      {status.data && <ProviderFacts status={status.data} />}
      {status.data?.resolved ? (
        <ModelCatalog providerKey={`${status.data.resolved.provider} ${status.data.resolved.baseUrl}`} />
      ) : (
        status.data && (
          <p className="hint">The model catalog shows here once a provider is configured (see Keys above).</p>
        )
      )}
    </Section>
  );
}

function ProviderFacts({ status }: { status: ProviderStatus }) {
  return (
    <div className="provider-facts" data-testid="provider-status">
      <h3>With the saved settings, new runs use</h3>
      {status.resolved ? (
        <p>
          <strong>{status.resolved.provider}</strong> · <code>{status.resolved.model}</code> at{' '}
          <code>{status.resolved.baseUrl}</code>
          <br />
          <span className="hint">
            {status.resolved.providerReason}; model: {status.resolved.modelReason}
          </span>
        </p>
      ) : (
        <p className="field-error" role="alert">
          {status.error}
        </p>
      )}
      {status.notes.length > 0 && (
        <ul className="notes" aria-label="Provider notes">
          {status.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <h3>Where each credential comes from</h3>
      <p className="hint">
        The shell that starts mle-beast (<code>export OPENROUTER_API_KEY=…</code>), then a line in{' '}
        <code>{status.dotenvPath}</code>, then a key saved above. Restart mle-beast after changing the shell
        or the .env file.
      </p>
      <table className="table credentials">
        <caption className="visually-hidden">Provider credentials</caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Variable</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {status.credentials.map((c) => (
            <tr key={c.provider}>
              <td>{c.provider}</td>
              <td>
                <code>{c.variable}</code>
              </td>
              <td>
                {c.set ? (
                  <span className="badge ok">set {c.source ? SOURCE_TEXT[c.source] : ''}</span>
                ) : (
                  <span className="badge muted">not set</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

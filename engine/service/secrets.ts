import type { CommandHandlers } from '../api/dispatch';
import { EngineError } from '../api/errors';
import type { EventBus } from '../api/event-bus';
import type { SecretBackend, SecretStore, SecretsStatus } from '../api/secrets';
import { SECRET_PROVIDER, SECRET_VARIABLES, type SecretVariable } from '../api/vocabulary';
import { readDotenvFile } from '../config/dotenv';
import { maskSecret, type SavedKeys } from '../config/provider';

/**
 * The `secrets.*` commands over the host's store (engine/api/secrets.ts). The store is the host's (the desktop
 * app's safeStorage file, the browser host's 0600 file); without one, nothing is saved and the status says
 * how to set a key instead. Nothing here returns a key: only `maskSecret`'s form.
 */
export interface SecretsDeps {
  store: SecretStore | undefined;
  /** Why there is no store, in the user's words (the browser host beyond loopback); default: no store here. */
  unavailable?: string;
  events: EventBus;
  /** The shell variables and working folder whose `.env` override a saved key (as provider resolution reads them). */
  env: () => Readonly<Record<string, string | undefined>>;
  cwd: () => string;
}

const WHERE: Record<Exclude<SecretBackend, 'none'>, string> = {
  'os-keychain': 'OS keychain',
  'plain-text': 'app, plain text',
  'user-file': 'keys file',
};

const HOW_TO_SET =
  'Set OPENROUTER_API_KEY or OPENAI_API_KEY in the shell that starts mle-beast, or in a .env file in its ' +
  'working folder (a line OPENROUTER_API_KEY=sk-or-...).';

export function secretsCommands(deps: SecretsDeps): {
  handlers: Pick<CommandHandlers, 'secrets.status' | 'secrets.set' | 'secrets.delete'>;
  /** The saved keys for provider resolution; undefined without a store. */
  savedKeys: () => SavedKeys | undefined;
} {
  const status = (): SecretsStatus => {
    const env = deps.env();
    const dotenv = readDotenvFile(deps.cwd(), env).values;
    const overriddenBy = (variable: SecretVariable) =>
      env[variable]?.trim() ? ('shell' as const) : dotenv[variable]?.trim() ? ('dotenv' as const) : null;
    let contents: ReturnType<SecretStore['read']> = { values: {}, problems: {} };
    let error: string | null = null;
    if (deps.store) {
      try {
        contents = deps.store.read();
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        error = e.message;
      }
    }
    const entries = SECRET_VARIABLES.map((variable) => {
      const value = contents.values[variable];
      const problem = contents.problems[variable] ?? null;
      return {
        variable,
        provider: SECRET_PROVIDER[variable],
        saved: value !== undefined || problem !== null,
        masked: value !== undefined ? maskSecret(value) : null,
        overriddenBy: overriddenBy(variable),
        problem,
      };
    });
    if (!deps.store) {
      return {
        backend: 'none',
        needsConsent: false,
        explanation: `${deps.unavailable ?? 'This host has no place to save keys.'} ${HOW_TO_SET}`,
        location: null,
        error: null,
        entries,
      };
    }
    const info = deps.store.info();
    return {
      backend: info.backend,
      needsConsent: info.needsConsent,
      explanation: `${info.explanation} A key set in the shell or a .env file is used before a saved one. ${HOW_TO_SET}`,
      location: info.location,
      error,
      entries,
    };
  };

  const changed = (): SecretsStatus => {
    const next = status();
    deps.events.emit('secrets.changed', next);
    return next;
  };

  const storeOrRefuse = (variable: SecretVariable): SecretStore => {
    if (deps.store) return deps.store;
    throw new EngineError(
      'unavailable',
      `${variable} cannot be saved here: ${deps.unavailable ?? 'this host has no place to save keys.'} ` +
        `Set ${variable} in the shell that starts mle-beast, or in a .env file in its working folder.`,
    );
  };

  return {
    handlers: {
      'secrets.status': async () => status(),
      'secrets.set': async ({ variable, value, allowPlainText }) => {
        storeOrRefuse(variable).set(variable, value, { allowPlainText: allowPlainText === true });
        return changed();
      },
      'secrets.delete': async ({ variable }) => {
        storeOrRefuse(variable).delete(variable);
        return changed();
      },
    },
    savedKeys: () => {
      if (!deps.store) return undefined;
      const where = WHERE[deps.store.info().backend];
      try {
        return { values: deps.store.read().values, where };
      } catch (e) {
        return { values: {}, where, problem: (e as Error).message };
      }
    },
  };
}

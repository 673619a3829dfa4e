import type { ProviderStatus } from '../api/provider-status';
import { readDotenvFile } from './dotenv';
import {
  CREDENTIAL_VARIABLE,
  PROVIDER_NAMES,
  resolveProvider,
  safeUrl,
  type AppProviderSettings,
  type SavedKeys,
} from './provider';

/**
 * What provider resolution (shell, then the working folder's .env, then saved keys, then the app's settings) gives a run
 * started now, for the Settings view. Names of variables and where they are set; never a key.
 */
export function providerStatus(options: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  saved?: SavedKeys;
  app: AppProviderSettings;
}): ProviderStatus {
  const dotenv = readDotenvFile(options.cwd, options.env);
  const result = resolveProvider({
    env: options.env,
    dotenv: dotenv.values,
    dotenvName: dotenv.path,
    saved: options.saved,
    app: options.app,
  });
  const savedValues: Partial<Record<string, string>> = options.saved?.values ?? {};
  const credentials = PROVIDER_NAMES.map((provider) => {
    const variable = CREDENTIAL_VARIABLE[provider];
    const source = options.env[variable]?.trim()
      ? ('shell' as const)
      : dotenv.values[variable]?.trim()
        ? ('dotenv' as const)
        : savedValues[variable]?.trim()
          ? ('keychain' as const)
          : provider === 'local' && options.app.localBaseUrl
            ? ('app' as const)
            : null;
    return { provider, variable, set: source !== null, source };
  });
  if (!result.ok) {
    return {
      resolved: null,
      error: result.message,
      notes: result.notes,
      credentials,
      dotenvPath: dotenv.path,
    };
  }
  const p = result.value;
  return {
    resolved: {
      provider: p.provider,
      model: p.model,
      baseUrl: safeUrl(p.baseURL),
      providerReason: p.source.provider.text,
      modelReason: p.source.model.text,
    },
    error: null,
    notes: p.notes,
    credentials,
    dotenvPath: dotenv.path,
  };
}

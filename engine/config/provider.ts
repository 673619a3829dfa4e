import { z } from 'zod';
import {
  CREDENTIAL_VARIABLE,
  PROVIDER_NAMES,
  ProviderName,
  SECRET_VARIABLES,
  type SecretVariable,
} from '../api/vocabulary';
import { formatDotenvIssue, readDotenvFile } from './dotenv';
import { didYouMean } from './suggest';

/**
 * Which LLM provider, endpoint, key and model a run uses: the original tool's rules (inventory section 10.3),
 * plus the app's saved settings as a third source.
 *
 * Sources, first match wins, looked up variable by variable:
 *   1. the shell environment (what the process was started with)
 *   2. the `.env` file in the working folder (fills gaps; never overrides the shell)
 *   3. the keys the app saved for the user (the OS keychain; the browser host's 0600 file): keys only
 *   4. the app's saved settings (provider, model, local URL from the Settings page)
 * A one-off `MLE_BEAST_MODEL=x mle-beast ...` must win for that invocation, and a project's `.env` must win over
 * the user's global app defaults (as a repository's config wins over the user's global one). The app's
 * settings are the base layer: what the desktop app uses when started from a dock, with no shell variables.
 *
 * Then:
 *   a. MLE_BEAST_PROVIDER pins a provider, honoured only if that provider's credential is set (a URL for
 *      local, a key otherwise); if it is not, detection goes on and a note says why.
 *   b. Detection: LOCAL_LLM_BASE_URL → local; OPENROUTER_API_KEY → openrouter; OPENAI_API_KEY → openai.
 *   c. MLE_BEAST_MODEL picks the model, else the provider's default (DEFAULT_MODELS). A model from a source that
 *      also pins a different provider is skipped (it was chosen for that provider), with a note.
 * An empty value counts as unset, in every source.
 *
 * Secrets: keys are returned in `apiKey` (the client needs them) and nowhere else. Errors, notes and `source`
 * show them masked (`sk-or-...abcd`), and a `user:password@` in a base URL as `***`; `baseURL` itself is
 * returned as given, since the client needs it whole. Log `describeProvider(p)`, never the object.
 */

// The provider and key variable names are shared words (engine/api/vocabulary.ts), re-exported here for the
// engine's own modules.
export { CREDENTIAL_VARIABLE, PROVIDER_NAMES, ProviderName } from '../api/vocabulary';

export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** The openai SDK refuses an empty key; local servers ignore it. */
export const LOCAL_PLACEHOLDER_KEY = 'not-needed';

/**
 * Models used when none is named: the original README's recommendations. `local-model` is a placeholder: the
 * llm layer should replace it with the first id the server lists at /v1/models (as the original did).
 */
export const DEFAULT_MODELS: Record<ProviderName, string> = {
  openrouter: 'deepseek/deepseek-v4-flash',
  openai: 'gpt-5-mini',
  local: 'local-model',
};

/** Provider settings saved by the app (keys kept by the host, e.g. in Electron safeStorage). */
export const AppProviderSettings = z.object({
  provider: ProviderName.optional(),
  model: z.string().optional(),
  apiKeys: z.object({ openrouter: z.string(), openai: z.string(), local: z.string() }).partial().optional(),
  localBaseUrl: z.string().optional(),
});
export type AppProviderSettings = z.infer<typeof AppProviderSettings>;

/**
 * The keys the host's store holds (engine/api/secrets.ts), read when a provider is resolved: beneath the shell
 * and `.env`, above the app's settings. `where` names the store in messages ("OS keychain").
 */
export interface SavedKeys {
  values: Partial<Record<SecretVariable, string>>;
  where: string;
  /** The store could not be read: said in the notes, and resolution goes on without saved keys. */
  problem?: string;
}

export type Layer = 'shell' | 'dotenv' | 'keychain' | 'app' | 'default';

export interface ProviderInput {
  /** The shell environment; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Values read from the working folder's .env (readDotenvFile). */
  dotenv?: Readonly<Record<string, string>>;
  /** How to name the .env in messages; default ".env". */
  dotenvName?: string;
  /** Keys saved by the app (the OS keychain...). */
  saved?: SavedKeys;
  app?: AppProviderSettings;
}

/** Where one setting came from. `text` is safe to show and log. */
export interface SettingOrigin {
  layer: Layer;
  /** The variable (also for a saved key) or app setting (`settings.localBaseUrl`); null for built-ins. */
  name: string | null;
  text: string;
}

export interface ResolvedProvider {
  provider: ProviderName;
  baseURL: string;
  /** The secret itself. Never log or display it; use source.apiKey.text. */
  apiKey: string;
  model: string;
  source: { provider: SettingOrigin; baseURL: SettingOrigin; apiKey: SettingOrigin; model: SettingOrigin };
  /** Things that did not go as the user may expect (a pin without its key, a skipped model). */
  notes: string[];
}

export type ProviderResult =
  { ok: true; value: ResolvedProvider } | { ok: false; message: string; notes: string[] };

const APP_FIELD: Record<string, (app: AppProviderSettings) => string | undefined> = {
  MLE_BEAST_PROVIDER: (a) => a.provider,
  MLE_BEAST_MODEL: (a) => a.model,
  OPENROUTER_API_KEY: (a) => a.apiKeys?.openrouter,
  OPENAI_API_KEY: (a) => a.apiKeys?.openai,
  LOCAL_LLM_API_KEY: (a) => a.apiKeys?.local,
  LOCAL_LLM_BASE_URL: (a) => a.localBaseUrl,
};
const APP_NAME: Record<string, string> = {
  MLE_BEAST_PROVIDER: 'settings.provider',
  MLE_BEAST_MODEL: 'settings.model',
  OPENROUTER_API_KEY: 'settings.apiKeys.openrouter',
  OPENAI_API_KEY: 'settings.apiKeys.openai',
  LOCAL_LLM_API_KEY: 'settings.apiKeys.local',
  LOCAL_LLM_BASE_URL: 'settings.localBaseUrl',
};
/** Variables whose values are shown masked: the keys a user can save, and a local server's optional key. */
const MASKED_VARIABLES = new Set<string>([...SECRET_VARIABLES, 'LOCAL_LLM_API_KEY']);

interface Found {
  value: string;
  layer: Exclude<Layer, 'default'>;
  name: string;
}

export function resolveProvider(input: ProviderInput = {}): ProviderResult {
  const env = input.env ?? process.env;
  const dotenv = input.dotenv ?? {};
  const app = input.app ?? {};
  const dotenvName = input.dotenvName ?? '.env';
  const saved = input.saved;
  const notes: string[] = saved?.problem ? [`saved keys not used: ${saved.problem}`] : [];

  const inLayer = (variable: string, layer: Exclude<Layer, 'default'>): Found | null => {
    const raw =
      layer === 'shell'
        ? env[variable]
        : layer === 'dotenv'
          ? dotenv[variable]
          : layer === 'keychain'
            ? savedValue(saved, variable)
            : APP_FIELD[variable]?.(app);
    const value = raw?.trim();
    if (!value) return null;
    return { value, layer, name: layer === 'app' ? (APP_NAME[variable] ?? variable) : variable };
  };
  const lookup = (variable: string): Found | null =>
    inLayer(variable, 'shell') ??
    inLayer(variable, 'dotenv') ??
    inLayer(variable, 'keychain') ??
    inLayer(variable, 'app');
  const where = (f: Found): string =>
    f.layer === 'shell'
      ? 'shell'
      : f.layer === 'dotenv'
        ? dotenvName
        : f.layer === 'keychain'
          ? `saved, ${saved?.where ?? 'app'}`
          : 'app settings';
  const describe = (f: Found): string => {
    const shown = MASKED_VARIABLES.has(variableOf(f)) ? maskSecret(f.value) : safeUrl(f.value);
    return `${f.name}=${shown} (${where(f)})`;
  };
  const origin = (f: Found, text = describe(f)): SettingOrigin => ({ layer: f.layer, name: f.name, text });

  // a. The pin.
  let chosen: ProviderName | null = null;
  let providerOrigin: SettingOrigin | null = null;
  const pin = lookup('MLE_BEAST_PROVIDER');
  if (pin) {
    const wanted = pin.value.toLowerCase();
    const parsed = ProviderName.safeParse(wanted);
    if (!parsed.success) {
      // Echo the value only when it looks like a misspelt word: a key pasted into the wrong variable stays hidden.
      const echoed = /^[a-z_-]{1,24}$/.test(wanted) ? `=${JSON.stringify(pin.value)}` : '';
      return {
        ok: false,
        message: `${pin.name}${echoed} (${where(pin)}) is not a provider: use local, openrouter or openai.${echoed ? didYouMean(wanted, PROVIDER_NAMES) : ''}`,
        notes,
      };
    }
    const credential = lookup(CREDENTIAL_VARIABLE[parsed.data]);
    if (credential) {
      chosen = parsed.data;
      providerOrigin = origin(pin, `pinned by ${pin.name}=${parsed.data} (${where(pin)})`);
    } else {
      notes.push(
        `${pin.name}=${parsed.data} (${where(pin)}) is ignored: ${CREDENTIAL_VARIABLE[parsed.data]} is not set; using the first provider configured instead`,
      );
    }
  }

  // b. Detection, in the original's order.
  if (!chosen) {
    for (const candidate of PROVIDER_NAMES) {
      const credential = lookup(CREDENTIAL_VARIABLE[candidate]);
      if (credential) {
        chosen = candidate;
        providerOrigin = origin(credential, `detected: ${credential.name} is set (${where(credential)})`);
        break;
      }
    }
  }
  if (!chosen || !providerOrigin) {
    return {
      ok: false,
      message:
        `no LLM provider configured: set OPENROUTER_API_KEY, OPENAI_API_KEY or LOCAL_LLM_BASE_URL (an OpenAI-compatible server) ` +
        `in the shell or in ${dotenvName === '.env' ? 'a .env file in the working folder' : dotenvName}, or choose a provider or save a key in the app's Settings (see README, "Choosing a model")`,
      notes,
    };
  }

  // Endpoint and key.
  let baseURL: string;
  let baseOrigin: SettingOrigin;
  let apiKey: string;
  let keyOrigin: SettingOrigin;
  if (chosen === 'local') {
    const url = lookup('LOCAL_LLM_BASE_URL') as Found;
    const checked = checkUrl(url.value);
    if (!checked.ok) {
      return { ok: false, message: `${url.name} (${where(url)}) ${checked.message}`, notes };
    }
    baseURL = checked.url;
    baseOrigin = origin(url);
    const key = lookup('LOCAL_LLM_API_KEY');
    apiKey = key?.value ?? LOCAL_PLACEHOLDER_KEY;
    keyOrigin = key
      ? origin(key)
      : {
          layer: 'default',
          name: null,
          text: `placeholder "${LOCAL_PLACEHOLDER_KEY}" (LOCAL_LLM_API_KEY is not set)`,
        };
  } else {
    const key = lookup(CREDENTIAL_VARIABLE[chosen]) as Found;
    apiKey = key.value;
    keyOrigin = origin(key);
    baseURL = chosen === 'openrouter' ? OPENROUTER_BASE_URL : OPENAI_BASE_URL;
    baseOrigin = { layer: 'default', name: null, text: `built in for ${chosen}` };
  }

  // c. The model: the first source that names one and does not pin another provider.
  let model: string | null = null;
  let modelOrigin: SettingOrigin | null = null;
  for (const layer of ['shell', 'dotenv', 'app'] as const) {
    const found = inLayer('MLE_BEAST_MODEL', layer);
    if (!found) continue;
    const layerPin = inLayer('MLE_BEAST_PROVIDER', layer)?.value.toLowerCase();
    if (layerPin && layerPin !== chosen) {
      notes.push(
        `${found.name}=${found.value} (${where(found)}) is not used: it goes with ${layerPin}, and the provider is ${chosen}`,
      );
      continue;
    }
    model = found.value;
    modelOrigin = origin(found);
    break;
  }
  if (model === null || modelOrigin === null) {
    model = DEFAULT_MODELS[chosen];
    modelOrigin = {
      layer: 'default',
      name: null,
      text:
        chosen === 'local'
          ? `placeholder "${model}": ask the server's /v1/models (MLE_BEAST_MODEL is not set)`
          : `default for ${chosen} (MLE_BEAST_MODEL is not set)`,
    };
  }

  return {
    ok: true,
    value: {
      provider: chosen,
      baseURL,
      apiKey,
      model,
      source: { provider: providerOrigin, baseURL: baseOrigin, apiKey: keyOrigin, model: modelOrigin },
      notes,
    },
  };
}

/**
 * The usual call: reads `<cwd>/.env` (shell variables win, and `${NAME}` in it sees them), then resolves. Lines
 * of the .env that could not be read are added to the notes, by line number only.
 */
export function loadProvider(
  options: {
    cwd?: string;
    env?: Readonly<Record<string, string | undefined>>;
    saved?: SavedKeys;
    app?: AppProviderSettings;
  } = {},
): ProviderResult {
  const env = options.env ?? process.env;
  const dotenv = readDotenvFile(options.cwd ?? process.cwd(), env);
  const result = resolveProvider({
    env,
    dotenv: dotenv.values,
    dotenvName: dotenv.path,
    saved: options.saved,
    app: options.app,
  });
  const issues = dotenv.issues.map((issue) => formatDotenvIssue(dotenv.path, issue));
  if (issues.length === 0) return result;
  return result.ok
    ? { ok: true, value: { ...result.value, notes: [...issues, ...result.value.notes] } }
    : { ...result, notes: [...issues, ...result.notes] };
}

/** One line, safe to log: `openrouter deepseek/deepseek-v4-flash at https://... (key OPENROUTER_API_KEY=sk-or-...abcd (shell))`. */
export function describeProvider(p: ResolvedProvider): string {
  return `${p.provider} ${p.model} at ${safeUrl(p.baseURL)} (key ${p.source.apiKey.text})`;
}

/**
 * A secret shown so a person can tell which key it is and no one can use it: the usual prefix (`sk-`,
 * `sk-or-v1-`, `sk-proj-`) and the last four characters. Short values show nothing of themselves.
 */
export function maskSecret(secret: string): string {
  const value = secret.trim();
  if (value.length < 12) return '****';
  const prefix = /^(sk-or-v1-|sk-or-|sk-proj-|sk-ant-|sk-)/.exec(value)?.[0] ?? '';
  return `${prefix}...${value.slice(-4)}`;
}

/** A URL with any user:password@ part masked (people do put credentials in base URLs). */
export function safeUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    return url.toString();
  } catch {
    return value.replace(/\/\/[^/@\s]*@/, '//***@');
  }
}

function checkUrl(value: string): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: a key pasted into the wrong variable must not end up in an error message.
    return { ok: false, message: 'is not a URL: expected e.g. http://localhost:8000/v1' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `must be an http:// or https:// URL, got ${url.protocol}//` };
  }
  return { ok: true, url: value.replace(/\/+$/, '') };
}

/** A saved key, only for the variables a key can be saved for. */
const savedValue = (saved: SavedKeys | undefined, variable: string): string | undefined =>
  (SECRET_VARIABLES as readonly string[]).includes(variable)
    ? saved?.values[variable as SecretVariable]
    : undefined;

const variableOf = (f: Found): string =>
  f.layer === 'app' ? (Object.entries(APP_NAME).find(([, n]) => n === f.name)?.[0] ?? f.name) : f.name;

import { z } from 'zod';
import { ProviderName } from './vocabulary';

/**
 * `provider.status`: the LLM provider a run started now would use, and which environment variable gives each
 * provider's credential and whether it is set. Never a key's value, masked or not: the Settings view shows
 * names and how to set them (keys go in the shell, a .env file, or the app's saved keys: secrets.status).
 */

/**
 * Where a value was found: the shell environment, the .env of the engine's folder, the keys the app saved
 * (`keychain`: the OS keychain, or the browser host's 0600 file), the app's settings.
 */
export const ProviderValueSource = z.enum(['shell', 'dotenv', 'keychain', 'app', 'default']);

export const ProviderCredential = z.object({
  provider: ProviderName,
  /** OPENROUTER_API_KEY, OPENAI_API_KEY, or LOCAL_LLM_BASE_URL (a local server needs its address, not a key). */
  variable: z.string(),
  set: z.boolean(),
  /** Where it is set; null when it is not. */
  source: ProviderValueSource.nullable(),
});
export type ProviderCredential = z.infer<typeof ProviderCredential>;

export const ProviderStatus = z.object({
  /** Null when no provider can be used; `error` says why and what to set. */
  resolved: z
    .object({
      provider: ProviderName,
      model: z.string(),
      /** The endpoint, any password in it hidden. */
      baseUrl: z.string(),
      /** Why this provider (e.g. `detected: OPENROUTER_API_KEY is set (shell)`). */
      providerReason: z.string(),
      /** Where the model name came from. */
      modelReason: z.string(),
    })
    .nullable(),
  error: z.string().nullable(),
  /** Things that may surprise (a pinned provider without its key is skipped, a model not used). */
  notes: z.array(z.string()),
  credentials: z.array(ProviderCredential),
  /** The .env file the engine reads (in its working folder). */
  dotenvPath: z.string(),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

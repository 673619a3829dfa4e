import { z } from 'zod';
import { ProviderName, SecretVariable } from './vocabulary';

/**
 * API keys the app keeps for the user: `secrets.status`, `secrets.set`, `secrets.delete`, and deliberately no
 * get. A saved key goes from the user's typing into the host's store and from there only into the engine's
 * provider resolution (beneath the shell and `.env`); what comes back is its masked form (`sk-or-...abcd`).
 *
 * Where the keys go depends on the host (it supplies a `SecretStore` to the engine):
 *   os-keychain  the desktop app: Electron safeStorage, encrypted with a key the OS keychain holds
 *   plain-text   the desktop app where the OS offers no keychain (Linux `basic_text`): stored only if the user
 *                agrees (`allowPlainText`), never silently
 *   user-file    the browser host served on loopback: a file only the user can read (mode 0600) beside the
 *                database, plain text, also only with the user's agreement
 *   none         nowhere: the browser host served beyond loopback (a key never travels over the network to it)
 *                or a host without a store; the key is set as an environment variable instead
 */
export const SecretBackend = z.enum(['os-keychain', 'plain-text', 'user-file', 'none']);
export type SecretBackend = z.infer<typeof SecretBackend>;

/** Longest key accepted: real keys are 40 to 200 characters; anything far longer was pasted by mistake. */
export const SECRET_MAX_LENGTH = 512;
/** Shortest: OpenAI's and OpenRouter's keys are far longer; a few characters is a typo or a fragment. */
export const SECRET_MIN_LENGTH = 16;

/**
 * A key as typed: trimmed, then checked. Messages never echo the value (it is a secret, and errors travel back
 * to the renderer and into logs).
 */
export const SecretValue = z
  .string()
  .trim()
  .min(1, { message: 'the key is empty: paste the key your provider gave you', abort: true })
  .refine((v) => !/^[A-Z][A-Z0-9_]*\s*=/.test(v), {
    message: 'paste only the key itself, without the "NAME=" in front of it',
    abort: true,
  })
  .refine((v) => !/\s/.test(v), {
    message: 'the key contains spaces or line breaks: paste only the key, on one line',
    abort: true,
  })
  .refine((v) => /^[\x21-\x7e]+$/.test(v), {
    message: 'the key contains characters keys never have (quotes from a word processor?): copy it again',
    abort: true,
  })
  .refine((v) => v.length >= SECRET_MIN_LENGTH, {
    message: `the key is too short to be an API key (${SECRET_MIN_LENGTH} characters at least): copy it whole`,
    abort: true,
  })
  .refine((v) => v.length <= SECRET_MAX_LENGTH, {
    message: `the key is longer than ${SECRET_MAX_LENGTH} characters: paste only the key`,
  });

export const SecretSetInput = z
  .object({
    variable: SecretVariable,
    value: SecretValue,
    /** The user agreed to plain-text storage (needed when the status says `needsConsent`). */
    allowPlainText: z.boolean().optional(),
  })
  .strict();
export type SecretSetInput = z.input<typeof SecretSetInput>;

export const SecretDeleteInput = z.object({ variable: SecretVariable }).strict();
export type SecretDeleteInput = z.input<typeof SecretDeleteInput>;

/** One key the app can keep: whether it is saved, how it looks masked, and whether something overrides it. */
export const SecretEntry = z.object({
  variable: SecretVariable,
  provider: ProviderName,
  saved: z.boolean(),
  /** `sk-or-...abcd`: the usual prefix and the last four characters, never more. Null when not saved or unreadable. */
  masked: z.string().max(24).nullable(),
  /**
   * The same variable set in the shell (`shell`) or the working folder's `.env` (`dotenv`): that value is used,
   * not the saved one. Null when the saved key (if any) is what runs use.
   */
  overriddenBy: z.enum(['shell', 'dotenv']).nullable(),
  /** A saved key that cannot be read (another format version, the keychain unavailable now); it is kept. */
  problem: z.string().nullable(),
});
export type SecretEntry = z.infer<typeof SecretEntry>;

export const SecretsStatus = z.object({
  backend: SecretBackend,
  /** Saving stores the key as plain text: `secrets.set` needs `allowPlainText: true` (the user's agreement). */
  needsConsent: z.boolean(),
  /** Plain words: where keys go, who can read them, and how else to set them (the variable, a `.env`). */
  explanation: z.string(),
  /** The file the keys are kept in (encrypted or not); null when none. */
  location: z.string().nullable(),
  /** The store cannot be read (a damaged file); saving is refused until it is fixed, nothing is overwritten. */
  error: z.string().nullable(),
  entries: z.array(SecretEntry),
});
export type SecretsStatus = z.infer<typeof SecretsStatus>;

/** What a host's store says about itself (the engine adds the entries). */
export interface SecretStoreInfo {
  backend: Exclude<SecretBackend, 'none'>;
  needsConsent: boolean;
  /** Where keys go and who can read them, in plain words. */
  explanation: string;
  location: string | null;
}

/** What a store holds: the readable values, and why any other saved one cannot be read. */
export interface SecretStoreContents {
  values: Partial<Record<SecretVariable, string>>;
  problems: Partial<Record<SecretVariable, string>>;
}

/**
 * Where the host keeps saved keys, handed to `createEngine({ secrets })`: the desktop app's safeStorage file,
 * the browser host's 0600 file. The engine never imports the host's store; the host never gives a key to the
 * renderer. A damaged store throws an EngineError from read/set/delete saying which file and what to do, and
 * writes nothing.
 */
export interface SecretStore {
  info(): SecretStoreInfo;
  read(): SecretStoreContents;
  /** Refuses (EngineError) plain-text storage without `allowPlainText`. */
  set(variable: SecretVariable, value: string, options: { allowPlainText: boolean }): void;
  /** Whether there was a key to remove. */
  delete(variable: SecretVariable): boolean;
}

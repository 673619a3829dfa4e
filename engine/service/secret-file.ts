import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../api/errors';
import type { SecretStore, SecretStoreContents, SecretStoreInfo } from '../api/secrets';
import { SECRET_VARIABLES, type SecretVariable } from '../api/vocabulary';

/**
 * Saved API keys in one small JSON file, for both hosts: the desktop app encrypts each value with Electron
 * safeStorage (main/electron/keychain.ts supplies that codec), the browser host on loopback keeps them as plain
 * text in a file only the user can read. The file:
 *
 *   { "format": "mle-beast-saved-keys", "values": { "OPENROUTER_API_KEY": "v1:safe:<base64>" } }
 *
 * Every value starts with its format version (`v1:`), so a later version can change the encoding and still read
 * (or at least recognise and keep) what an older one wrote. What this version cannot read is never dropped: a
 * damaged file makes every read and write fail with a message naming the file, and is left as it is; a value of
 * an unknown version is reported as a problem and kept when other keys are written.
 */

export const SECRET_FILE_FORMAT = 'mle-beast-saved-keys';
export const SECRET_VALUE_VERSION = 'v1';
/** The file the browser host keeps keys in, beside the database. */
export const USER_SECRET_FILE = 'saved-keys.json';
/** A file far beyond a few keys is not ours (or was damaged): refused rather than read into memory. */
const MAX_FILE_BYTES = 64 * 1024;

/** How one value is turned into its stored form (after `v1:`) and back. */
export interface SecretCodec {
  info(): SecretStoreInfo;
  encode(value: string): string;
  /** Throws an Error saying why the stored form cannot be read (e.g. the keychain is not available). */
  decode(stored: string): string;
}

interface FileContents {
  /** Every stored value as written, including variables and versions this version does not know. */
  values: Record<string, string>;
}

const HOW_ELSE = (variable: string) =>
  `or set ${variable} in the shell that starts mle-beast, or in a .env file in its working folder`;

export function createSecretFileStore(options: { file: string; codec: SecretCodec }): SecretStore {
  const { file, codec } = options;

  const damaged = (reason: string): EngineError =>
    new EngineError(
      'unavailable',
      `the saved keys file ${file} cannot be read (${reason}). It was left as it is and nothing was changed: ` +
        `move it away (or delete it) and save the keys again, ` +
        `or set OPENROUTER_API_KEY / OPENAI_API_KEY in the shell or a .env file instead.`,
    );

  const load = (): FileContents => {
    let text: string;
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw damaged('it is not a file');
      if (stat.size > MAX_FILE_BYTES) throw damaged(`it is ${stat.size} bytes, far more than a few keys`);
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: {} };
      throw damaged((error as Error).message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw damaged('it is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw damaged('it is not a JSON object');
    const { format, values } = parsed as { format?: unknown; values?: unknown };
    if (format !== SECRET_FILE_FORMAT)
      throw damaged(
        `its "format" is ${JSON.stringify(format) ?? 'missing'}, expected "${SECRET_FILE_FORMAT}"`,
      );
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      throw damaged('its "values" is not an object');
    for (const [name, value] of Object.entries(values)) {
      if (typeof value !== 'string') throw damaged(`the value of ${name} is not a string`);
    }
    return { values: values as Record<string, string> };
  };

  const save = (contents: FileContents): void => {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify({ format: SECRET_FILE_FORMAT, values: contents.values }, null, 2)}\n`;
    // Written whole beside it, then renamed over it: a crash mid-write leaves the old file, never half a file.
    // Created 0600 (the mode is given at creation, so the keys are never readable by others even for a moment).
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    try {
      const fd = fs.openSync(temp, 'wx', 0o600);
      try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.chmodSync(temp, 0o600);
      fs.renameSync(temp, file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw new EngineError(
        'unavailable',
        `the key could not be saved in ${file}: ${(error as Error).message}`,
      );
    }
  };

  // What the file held when last read, by its identity and time: every IPC and HTTP reply is checked against the
  // saved keys (main/shared/secret-scan.ts), so reading (and decrypting) is done again only when the file changed,
  // here or in another process.
  let cache: { stamp: string; contents: SecretStoreContents } | null = null;
  const stampOf = (): string => {
    try {
      const s = fs.statSync(file);
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch {
      return 'none';
    }
  };

  return {
    info: () => codec.info(),
    read(): SecretStoreContents {
      const stamp = stampOf();
      if (cache?.stamp === stamp) return cache.contents;
      const contents = decodeAll();
      cache = { stamp, contents };
      return contents;
    },
    set(variable: SecretVariable, value: string, { allowPlainText }): void {
      cache = null;
      setValue(variable, value, allowPlainText);
    },
    delete(variable: SecretVariable): boolean {
      cache = null;
      return deleteValue(variable);
    },
  };

  function decodeAll(): SecretStoreContents {
    const { values: stored } = load();
    const result: SecretStoreContents = { values: {}, problems: {} };
    for (const variable of SECRET_VARIABLES) {
      const raw = stored[variable];
      if (raw === undefined) continue;
      const prefix = `${SECRET_VALUE_VERSION}:`;
      if (!raw.startsWith(prefix)) {
        const version = /^([a-z0-9]{1,8}):/i.exec(raw)?.[1];
        result.problems[variable] =
          `saved in a format this version cannot read (${version ? `"${version}"` : 'no version'}); it is kept: ` +
          `save the key again to replace it`;
        continue;
      }
      try {
        result.values[variable] = codec.decode(raw.slice(prefix.length));
      } catch (error) {
        result.problems[variable] =
          `cannot be read: ${(error as Error).message}; it is kept: save the key again to replace it`;
      }
    }
    return result;
  }

  function setValue(variable: SecretVariable, value: string, allowPlainText: boolean): void {
    const info = codec.info();
    if (info.needsConsent && !allowPlainText) {
      throw new EngineError(
        'forbidden',
        `${variable} was not saved: ${info.explanation} Saving it needs your agreement (allowPlainText), ` +
          `${HOW_ELSE(variable)}.`,
      );
    }
    const contents = load();
    let encoded: string;
    try {
      encoded = codec.encode(value);
    } catch (error) {
      throw new EngineError(
        'unavailable',
        `${variable} was not saved: ${(error as Error).message}; ${HOW_ELSE(variable)}.`,
      );
    }
    save({ values: { ...contents.values, [variable]: `${SECRET_VALUE_VERSION}:${encoded}` } });
  }

  function deleteValue(variable: SecretVariable): boolean {
    const contents = load();
    if (!Object.hasOwn(contents.values, variable)) return false;
    const { [variable]: _removed, ...rest } = contents.values;
    save({ values: rest });
    return true;
  }
}

/**
 * The browser host's store: plain text in `<home>/saved-keys.json`, mode 0600 (only the user's account can read
 * it), stored only with the user's agreement. Used when `mle-beast serve` listens on loopback, so the key
 * travels from the browser to this machine without leaving it.
 */
export function createUserFileSecretStore(home: string): SecretStore {
  const file = path.join(home, USER_SECRET_FILE);
  return createSecretFileStore({
    file,
    codec: {
      info: () => ({
        backend: 'user-file',
        needsConsent: true,
        explanation:
          `The browser dashboard cannot reach your desktop keychain, so keys are saved as plain text in ${file}, ` +
          'a file only your user account can read (mode 0600), next to the database. Anyone who can act as ' +
          'your user account can read it.',
        location: file,
      }),
      encode: (value) => `plain:${value}`,
      decode: (stored) => {
        if (!stored.startsWith('plain:')) throw new Error('it is not stored as plain text (another app?)');
        return stored.slice('plain:'.length);
      },
    },
  });
}

import path from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore, SecretStoreInfo } from '../../engine/api/secrets';
import { createSecretFileStore, type SecretCodec } from '../../engine/service/index';

/**
 * The desktop app's saved API keys: Electron safeStorage encrypts each one with a key the OS keychain holds
 * (macOS Keychain, Windows DPAPI, on Linux the Secret Service or KWallet), and the encrypted values are kept in
 * `<userData>/saved-keys.json`, each prefixed with its format version (`v1:safe:<base64>`, engine/service/secret-file.ts).
 *
 * Where the OS offers no keychain (Linux without a Secret Service: `getSelectedStorageBackend()` is
 * `basic_text`, which scrambles with a fixed password), or safeStorage cannot encrypt at all, a saved key is as
 * good as plain text: the status says so and `secrets.set` is refused unless the user agreed (allowPlainText).
 * Never silently. Must be created after the app is ready (safeStorage answers only then on Linux).
 */
export const KEYCHAIN_FILE = 'saved-keys.json';

export function createKeychainStore(userData: string): SecretStore {
  const file = path.join(userData, KEYCHAIN_FILE);
  const codec: SecretCodec = {
    info: () => describeKeychain(file),
    encode: (value) => {
      // With the user's agreement on a system that cannot encrypt, the key is kept as it is, marked as such.
      if (!safeStorage.isEncryptionAvailable()) return `plain:${value}`;
      return `safe:${safeStorage.encryptString(value).toString('base64')}`;
    },
    decode: (stored) => {
      if (stored.startsWith('plain:')) return stored.slice('plain:'.length);
      if (!stored.startsWith('safe:'))
        throw new Error('it is stored in an encoding this version does not know');
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('the OS keychain cannot be reached now, so the key cannot be decrypted');
      try {
        return safeStorage.decryptString(Buffer.from(stored.slice('safe:'.length), 'base64'));
      } catch (error) {
        throw new Error(
          `it cannot be decrypted (saved on another machine or user account, or the keychain's key changed: ${(error as Error).message})`,
          { cause: error },
        );
      }
    },
  };
  return createSecretFileStore({ file, codec });
}

/** What the keychain is on this system, in the words the Settings view shows. */
export function describeKeychain(file: string): SecretStoreInfo {
  const available = safeStorage.isEncryptionAvailable();
  const backend =
    process.platform === 'linux' && typeof safeStorage.getSelectedStorageBackend === 'function'
      ? safeStorage.getSelectedStorageBackend()
      : null;
  if (!available) {
    return {
      backend: 'plain-text',
      needsConsent: true,
      explanation:
        `This system offers no keychain to encrypt keys with, so a saved key would be stored as plain text in ${file}, ` +
        'readable by anyone who can act as your user account.',
      location: file,
    };
  }
  if (backend === 'basic_text') {
    return {
      backend: 'plain-text',
      needsConsent: true,
      explanation:
        'No keychain service (GNOME Keyring, KWallet) is running, so keys can only be scrambled with a fixed ' +
        `password, which is as good as plain text: a saved key in ${file} is readable by anyone who can act as ` +
        'your user account. Start a keychain service and restart mle-beast to have keys encrypted.',
      location: file,
    };
  }
  const keychain =
    process.platform === 'darwin'
      ? 'the macOS Keychain'
      : process.platform === 'win32'
        ? 'Windows (DPAPI, your user account)'
        : `the desktop keychain (${backend ?? 'Secret Service'})`;
  return {
    backend: 'os-keychain',
    needsConsent: false,
    explanation: `Keys are encrypted with a key held by ${keychain} and saved in ${file}; only this app, on your user account, can decrypt them.`,
    location: file,
  };
}

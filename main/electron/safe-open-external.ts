import { shell } from 'electron';

/** Only web links leave the app: file:, smb:, custom schemes and the like can launch programs. */
export function isSafeExternalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The one way the app opens a link in the user's browser. Returns whether it did. */
export async function safeOpenExternal(value: string): Promise<boolean> {
  if (!isSafeExternalUrl(value)) return false;
  // eslint-disable-next-line no-restricted-syntax -- this is the guarded wrapper
  await shell.openExternal(value);
  return true;
}

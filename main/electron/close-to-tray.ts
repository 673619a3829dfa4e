import { Notification } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';

/** What the app has told the user once and remembers it told (userData/notes.json). */
export const DesktopNotes = z.object({ closedToTraySaid: z.boolean().default(false) }).strict();
export type DesktopNotes = z.infer<typeof DesktopNotes>;

export interface CloseToTrayDeps {
  notesFile: string;
  /** The runs this process carries now: they would stop if the app quit. */
  runsGoing(): number;
  /** Whether the tray icon is there to come back through. */
  hasTray(): boolean;
  quit(): void;
  platform?: NodeJS.Platform;
  warn?(message: string): void;
}

/**
 * What closing the last window does. With runs going and a tray icon, the app stays: the runs go on and the
 * tray brings the window back; the first time, a notification says so (remembered in notes.json, so it is said
 * once). Otherwise the app quits as any app does (on macOS it stays in the dock, as Mac apps do).
 * Returns the `window-all-closed` handler; true: the app stays.
 */
export function closeToTray(deps: CloseToTrayDeps): () => boolean {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const platform = deps.platform ?? process.platform;
  return () => {
    const going = deps.runsGoing();
    if (going > 0 && deps.hasTray()) {
      const notes = readJsonFile(deps.notesFile, DesktopNotes, warn) ?? { closedToTraySaid: false };
      if (!notes.closedToTraySaid && Notification.isSupported()) {
        new Notification({
          title: 'mle-beast keeps running in the tray',
          body:
            `${going === 1 ? 'Your run goes' : `Your ${going} runs go`} on with the window closed. ` +
            'Open the window or quit from the tray icon.',
        }).show();
        try {
          writeJsonFile(deps.notesFile, { ...notes, closedToTraySaid: true });
        } catch (error) {
          warn(`could not remember a note was shown: ${(error as Error).message}`);
        }
      }
      return true;
    }
    if (platform !== 'darwin') deps.quit();
    return platform === 'darwin';
  };
}

import fs from 'node:fs';
import path from 'node:path';
import { app, dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { HostHandlers } from '../../engine/api/host';
import { fail, ok } from '../../engine/api/result';
import { checkDroppedPath } from './dropped-path';
import { safeOpenExternal } from './safe-open-external';

/** The window that asked: dialogs are modal to it (null: a free-standing dialog). */
export interface HostContext {
  window: BrowserWindow | null;
}

const FOLDER_DIALOGS = {
  dataset: { title: 'Choose the dataset folder', create: false },
  workspace: { title: 'Choose the workspace folder', create: true },
} as const;

/** The desktop host's capabilities (engine/api/host.ts), over Electron's dialog and shell. */
export const electronHostHandlers: HostHandlers<HostContext> = {
  async pickFolder({ purpose, defaultPath }, { window }) {
    const spec = FOLDER_DIALOGS[purpose];
    const options: OpenDialogOptions = {
      title: spec.title,
      buttonLabel: 'Choose',
      properties: ['openDirectory', ...(spec.create ? (['createDirectory'] as const) : [])],
      ...(defaultPath ? { defaultPath } : {}),
    };
    const picked = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options);
    return ok({ path: picked.canceled ? null : (picked.filePaths[0] ?? null) });
  },

  async pickSavePath({ title, defaultName, filters }, { window }) {
    const options = {
      title: title ?? 'Save as',
      defaultPath: path.join(app.getPath('documents'), defaultName),
      filters,
      properties: ['createDirectory', 'showOverwriteConfirmation'] as (
        'createDirectory' | 'showOverwriteConfirmation'
      )[],
    };
    const picked = window
      ? await dialog.showSaveDialog(window, options)
      : await dialog.showSaveDialog(options);
    return ok({ path: picked.canceled || !picked.filePath ? null : picked.filePath });
  },

  async showItemInFolder({ path: item }) {
    // Only an existing absolute path: the file manager is never asked to guess, and nothing is opened or run.
    if (!path.isAbsolute(item)) {
      return fail({ code: 'invalid_input', message: `showItemInFolder: “${item}” is not an absolute path` });
    }
    try {
      await fs.promises.stat(item);
    } catch {
      return fail({
        code: 'not_found',
        message: `“${item}” does not exist any more (moved or deleted?): there is nothing to show.`,
      });
    }
    shell.showItemInFolder(item);
    return ok({ shown: true as const });
  },

  async openExternal({ url }) {
    if (!(await safeOpenExternal(url))) {
      return fail({
        code: 'forbidden',
        message: `Only http and https links open outside the app; “${url.slice(0, 200)}” was not opened.`,
      });
    }
    return ok({ opened: true as const });
  },

  async checkDroppedPath({ path: dropped }) {
    return ok(await checkDroppedPath(dropped));
  },
};

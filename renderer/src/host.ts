import { createHostClient, type HostClient } from '../../engine/api';

/**
 * The host's own capabilities (native dialogs, the file manager, links, dropped paths), where the host has them:
 * the desktop app does, `mle-beast serve` in a browser does not (null), and views then offer what a page can.
 */
export const host: HostClient | null = window.mle?.hostInvoke
  ? createHostClient((name, input) => window.mle!.hostInvoke!(name, input))
  : null;

/** Where a dropped File lives on disk, where the host can tell (a browser never can). */
export const pathForFile = (file: File): string | null => window.mle?.pathForFile?.(file) ?? null;

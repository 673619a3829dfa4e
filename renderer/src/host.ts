import type { HostClient } from '../../engine/api/host';

const hostInvoke = window.mle?.hostInvoke;
let checked: Promise<HostClient> | null = null;

/**
 * The host's own capabilities (native dialogs, the file manager, links, dropped paths), where the host has them:
 * the desktop app does, `mle-beast serve` in a browser does not (null), and views then offer what a page can.
 * The checking client (engine/api/host.ts, with its schemas) loads on the first call, not with the first
 * screen: the drop layer holds this from the start, and zod is not on the first screen's path.
 */
export const host: HostClient | null = hostInvoke
  ? {
      async call(name, input) {
        checked ??= import('../../engine/api/host').then((m) =>
          m.createHostClient((n, i) => hostInvoke(n, i)),
        );
        return (await checked).call(name, input);
      },
    }
  : null;

/** Where a dropped File lives on disk, where the host can tell (a browser never can). */
export const pathForFile = (file: File): string | null => window.mle?.pathForFile?.(file) ?? null;

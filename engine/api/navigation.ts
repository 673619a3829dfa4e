import { z } from 'zod';

/**
 * Where a host sends the page: the desktop app's main process moves its window to a run when a notification,
 * the tray menu or a `mle-beast://run/<id>` link asks, through the contract's `app.openRun` event (never by
 * running script in the page). Run ids from outside (a deep link's text) are checked here before anything uses
 * them.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const RunRef = z
  .string()
  .regex(RUN_ID_PATTERN, 'a run id is 1 to 64 letters, digits, `-` or `_`, starting with a letter or digit');

/** The app's top-level pages a host may send its window to (the desktop menu's New Run, Runs, Settings). */
export const APP_PAGES = ['runs', 'new', 'settings'] as const;
export type AppPage = (typeof APP_PAGES)[number];

/** The payload of `app.openPage`: show one of the app's pages. */
export const OpenPage = z.object({ page: z.enum(APP_PAGES) }).strict();
export type OpenPage = z.infer<typeof OpenPage>;

/** The payload of `app.openRun`: show this run's page. */
export const OpenRun = z.object({ id: RunRef }).strict();
export type OpenRun = z.infer<typeof OpenRun>;

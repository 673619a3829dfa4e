import { BrowserWindow, ipcMain, type WebContents } from 'electron';
import { commandNames, events, type EventName, type EventPayload } from '../../engine/api/contract';
import { dispatch } from '../../engine/api/dispatch';
import { dispatchHost, HOST_CAPABILITY_NAMES, type HostHandlers } from '../../engine/api/host';
import { fail } from '../../engine/api/result';
import { ipcCommandChannel, ipcEventChannel, ipcHostChannel } from '../../engine/api/transport-names';
import type { Engine } from '../../engine/service/index';
import { containsSecret, withoutSecrets } from '../shared/secret-scan';
import { isTrustedSender } from './sender';

/**
 * Registers one IPC handler per contract command. Each refuses untrusted senders, then hands the raw
 * payload to `dispatch`, which validates it. The only place in the app that calls `ipcMain.handle`.
 * Every reply is checked for a saved API key before it goes to the renderer (main/shared/secret-scan.ts).
 * Returns a function that removes the handlers.
 */
export function registerContractHandlers(engine: Engine, allowedOrigins: readonly string[]): () => void {
  for (const name of commandNames) {
    ipcMain.handle(ipcCommandChannel(name), async (event, input: unknown) => {
      if (!isTrustedSender(event, allowedOrigins)) {
        return fail({ code: 'forbidden', message: `${name}: refused a message from an untrusted frame` });
      }
      return withoutSecrets(name, await dispatch(engine.handlers, name, input), engine.savedKeyValues());
    });
  }
  return () => commandNames.forEach((name) => ipcMain.removeHandler(ipcCommandChannel(name)));
}

/** Sends every engine event to the windows that are alive at that moment; one holding a saved key is dropped. */
export function forwardEvents(engine: Engine, targets: () => WebContents[]): () => void {
  return engine.events.subscribe((message) => {
    if (containsSecret(message.payload, engine.savedKeyValues())) {
      console.error(
        `${message.name}: an event held a saved API key and was not sent (a bug: please report it)`,
      );
      return;
    }
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel(message.name), message.payload);
    }
  });
}

/**
 * Sends one contract event to one window (the app's own messages to its page, such as `app.openRun`), checked
 * against the contract first: a bad payload is a bug here, refused before it reaches the page.
 */
export function sendEvent<K extends EventName>(
  contents: WebContents,
  name: K,
  payload: EventPayload<K>,
): void {
  const parsed = events[name].parse(payload);
  if (!contents.isDestroyed()) contents.send(ipcEventChannel(name), parsed);
}

/**
 * The host's own capabilities (engine/api/host.ts: dialogs, file manager, links, dropped paths), one handler
 * each, guarded like the contract's: an untrusted sender is refused before anything is parsed, then
 * `dispatchHost` validates the payload. The handlers get the asking window, so dialogs are modal to it.
 */
export function registerHostHandlers(
  handlers: HostHandlers<{ window: BrowserWindow | null }>,
  allowedOrigins: readonly string[],
): () => void {
  for (const name of HOST_CAPABILITY_NAMES) {
    ipcMain.handle(ipcHostChannel(name), async (event, input: unknown) => {
      if (!isTrustedSender(event, allowedOrigins)) {
        return fail({ code: 'forbidden', message: `${name}: refused a message from an untrusted frame` });
      }
      return dispatchHost(handlers, name, input, { window: BrowserWindow.fromWebContents(event.sender) });
    });
  }
  return () => HOST_CAPABILITY_NAMES.forEach((name) => ipcMain.removeHandler(ipcHostChannel(name)));
}

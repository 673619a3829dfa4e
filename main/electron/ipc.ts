import { BrowserWindow, ipcMain, type WebContents } from 'electron';
import { commandNames } from '../../engine/api/contract';
import { dispatch } from '../../engine/api/dispatch';
import { dispatchHost, HOST_CAPABILITY_NAMES, type HostHandlers } from '../../engine/api/host';
import { fail } from '../../engine/api/result';
import { ipcCommandChannel, ipcEventChannel, ipcHostChannel } from '../../engine/api/transport-names';
import type { Engine } from '../../engine/service/index';
import { isTrustedSender } from './sender';

/**
 * Registers one IPC handler per contract command. Each refuses untrusted senders, then hands the raw
 * payload to `dispatch`, which validates it. The only place in the app that calls `ipcMain.handle`.
 * Returns a function that removes the handlers.
 */
export function registerContractHandlers(engine: Engine, allowedOrigins: readonly string[]): () => void {
  for (const name of commandNames) {
    ipcMain.handle(ipcCommandChannel(name), async (event, input: unknown) => {
      if (!isTrustedSender(event, allowedOrigins)) {
        return fail({ code: 'forbidden', message: `${name}: refused a message from an untrusted frame` });
      }
      return dispatch(engine.handlers, name, input);
    });
  }
  return () => commandNames.forEach((name) => ipcMain.removeHandler(ipcCommandChannel(name)));
}

/** Sends every engine event to the windows that are alive at that moment. */
export function forwardEvents(engine: Engine, targets: () => WebContents[]): () => void {
  return engine.events.subscribe((message) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(ipcEventChannel(message.name), message.payload);
    }
  });
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

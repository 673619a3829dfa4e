import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { MleBridge } from '../engine/api/bridge';
import { eventNames, isCommandName, isEventName } from '../engine/api/contract';
import { ipcCommandChannel, ipcEventChannel } from '../engine/api/transport-names';

/**
 * The only door between the page and main. It exposes two functions, never ipcRenderer itself, and only for
 * names the contract declares. Payloads are validated by main (inputs) and the renderer client (outputs).
 */
const bridge: MleBridge = {
  host: 'electron',
  events: eventNames,
  invoke(command, input) {
    if (!isCommandName(command)) return Promise.reject(new Error(`unknown command ${String(command)}`));
    return ipcRenderer.invoke(ipcCommandChannel(command), input);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${String(event)}`);
    const channel = ipcEventChannel(event);
    const relay = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, relay);
    return () => {
      ipcRenderer.removeListener(channel, relay);
    };
  },
};

contextBridge.exposeInMainWorld('mle', bridge);

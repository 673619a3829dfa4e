import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { MleBridge } from '../engine/api/bridge';
import { isHostCapabilityName } from '../engine/api/host-names';
import { isCommandName, isEventName } from '../engine/api/names';
import { ipcCommandChannel, ipcEventChannel, ipcHostChannel } from '../engine/api/transport-names';

/**
 * The only door between the page and main. It exposes a few functions, never ipcRenderer itself, and only for
 * names the contract (commands, events) or the host's list (host-names.ts) declares. Payloads are validated by main (inputs) and the renderer client (outputs).
 */
const bridge: MleBridge = {
  host: 'electron',
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
  // Only here can a dropped File tell where it lives (Electron removed File.path): '' for a File made in JS.
  pathForFile(file) {
    try {
      return webUtils.getPathForFile(file as File) || null;
    } catch {
      return null;
    }
  },
  hostInvoke(name, input) {
    if (!isHostCapabilityName(name))
      return Promise.reject(new Error(`unknown host capability ${String(name)}`));
    return ipcRenderer.invoke(ipcHostChannel(name), input);
  },
};

contextBridge.exposeInMainWorld('mle', bridge);

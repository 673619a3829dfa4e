import { eventNames, type MleBridge, type Transport } from '../../../engine/api';

/** The desktop transport: the preload's window.mle bridge. */
export function ipcTransport(bridge: MleBridge): Transport {
  return {
    invoke: (command, input) => bridge.invoke(command, input),
    subscribe(listener) {
      const offs = eventNames.map((name) => bridge.on(name, (payload) => listener(name, payload)));
      return () => offs.forEach((off) => off());
    },
  };
}

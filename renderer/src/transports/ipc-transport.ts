import type { MleBridge, Transport } from '../../../engine/api';

/** The desktop transport: the preload's window.mle bridge. */
export function ipcTransport(bridge: MleBridge): Transport {
  return {
    invoke: (command, input) => bridge.invoke(command, input),
    subscribe(listener) {
      // The bridge names the contract's events (the preload holds the contract; this side loads it later).
      const offs = bridge.events.map((name) => bridge.on(name, (payload) => listener(name, payload)));
      return () => offs.forEach((off) => off());
    },
  };
}

import type { MleBridge, Transport } from '../../../engine/api';
import { EVENT_NAMES } from '../../../engine/api/names';

/** The desktop transport: the preload's window.mle bridge. */
export function ipcTransport(bridge: MleBridge): Transport {
  return {
    invoke: (command, input) => bridge.invoke(command, input),
    subscribe(listener) {
      // The contract's event names from the zod-free list (the schemas load later, with the first call).
      const offs = EVENT_NAMES.map((name) => bridge.on(name, (payload) => listener(name, payload)));
      return () => offs.forEach((off) => off());
    },
  };
}

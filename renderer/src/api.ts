import { createValidatingClient } from '../../engine/api/client-core';
import { httpTransport } from './transports/http-transport';
import { ipcTransport } from './transports/ipc-transport';

/**
 * One typed client for the whole renderer, over IPC in the app and HTTP in a browser. It checks every result
 * and event against the contract, with checks (zod and every schema, a chunk of their own) loaded on the first
 * call, beside its request: building them all before the first request held the first screen back.
 */
export const api = createValidatingClient(window.mle ? ipcTransport(window.mle) : httpTransport(), () =>
  import('../../engine/api/validate').then((m) => m.contractValidator),
);

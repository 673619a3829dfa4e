import { createApiClient } from '../../engine/api';
import { httpTransport } from './transports/http-transport';
import { ipcTransport } from './transports/ipc-transport';

/** One typed client for the whole renderer, over IPC in the app and HTTP in a browser. */
export const api = createApiClient(window.mle ? ipcTransport(window.mle) : httpTransport());

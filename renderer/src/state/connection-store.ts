import { create } from 'zustand';
import type { ConnectionState } from '../../../engine/api';
import { api } from '../api';

/** The event stream's state, for the "reconnecting…" notice (only a browser's WebSocket ever drops). */
export const useConnectionStore = create<{ state: ConnectionState }>(() => ({ state: 'connecting' }));

api.connection((state) => useConnectionStore.setState({ state }));

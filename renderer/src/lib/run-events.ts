import type { CursorSource, RunEvent } from '../../../engine/api';
import { api } from '../api';
import { frameBatcher } from './frame-batch';

type Handler = (events: RunEvent[]) => void;

const handlers = new Set<Handler>();
let unsubscribe: (() => void) | null = null;
const batcher = frameBatcher<RunEvent>((events) => handlers.forEach((h) => h(events)));

/**
 * Every `run.event` the host sends, in batches of at most one per animation frame. One subscription serves
 * every feature; it closes when the last handler leaves.
 */
export function onRunEvents(handler: Handler): () => void {
  handlers.add(handler);
  unsubscribe ??= api.on('run.event', (event) => batcher.push(event));
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
}

/**
 * What a run cursor (engine/api/run-cursor.ts) reads in the renderer: `runs.get`, the batched run events, and
 * each (re)opening of the event stream, after which the cursor reads what it missed from the store.
 */
export const cursorSource: CursorSource = {
  get: (query) => api.call('runs.get', query),
  onEvents: onRunEvents,
  onOpen: (listener) =>
    api.connection((state) => {
      if (state === 'open') listener();
    }),
};

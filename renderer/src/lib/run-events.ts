import type { RunEvent } from '../../../engine/api';
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

/**
 * Collects items and hands them over in one batch per animation frame, so a burst of events costs one store
 * update and one render. A hidden page gets no frames: there a timer flushes instead, less often.
 */
export function frameBatcher<T>(flush: (items: T[]) => void, hiddenDelayMs = 500) {
  let pending: T[] = [];
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const items = pending;
    pending = [];
    if (items.length > 0) flush(items);
  };
  return {
    push(item: T) {
      pending.push(item);
      if (scheduled) return;
      scheduled = true;
      if (typeof document !== 'undefined' && document.hidden) setTimeout(run, hiddenDelayMs);
      else requestAnimationFrame(run);
    },
  };
}

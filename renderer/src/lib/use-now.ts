import { useSyncExternalStore } from 'react';

// One shared ticking clock for every "elapsed" figure on screen: one timer however many runs are shown.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  // The clock stood still while nobody watched: start from the real time, not the last tick.
  if (!timer) now = Date.now();
  timer ??= setInterval(() => {
    now = Date.now();
    listeners.forEach((l) => l());
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
};

/** The time now, re-rendering once a second while `ticking`. */
export function useNow(ticking = true): number {
  return useSyncExternalStore(ticking ? subscribe : noSubscribe, () => now);
}
const noSubscribe = () => () => undefined;

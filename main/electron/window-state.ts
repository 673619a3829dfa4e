import { z } from 'zod';
import type { BrowserWindow, Rectangle } from 'electron';
import { readJsonFile, writeJsonFile } from './json-file';

/** The main window's size and place, remembered in userData/window-state.json. */
export const WindowState = z
  .object({
    x: z.number().int().optional(),
    y: z.number().int().optional(),
    width: z.number().int().min(400).max(20_000),
    height: z.number().int().min(300).max(20_000),
    maximized: z.boolean().default(false),
  })
  .strict();
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

/** At least this much of the window's top must be on a screen for its saved place to be kept. */
const VISIBLE_WIDTH = 100;
const VISIBLE_HEIGHT = 40;

/**
 * The saved state, placed on a screen that exists now: a place that is off every display's work area (a
 * monitor unplugged since, a resolution changed) is dropped, so the window opens centred rather than out of
 * reach; a size larger than the biggest work area is shrunk to it.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[]): WindowState {
  if (workAreas.length === 0) return state;
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const width = Math.min(state.width, maxWidth);
  const height = Math.min(state.height, maxHeight);
  const sized: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return sized;
  const { x, y } = state;
  const reachable = workAreas.some((a) => {
    const left = Math.max(x, a.x);
    const right = Math.min(x + width, a.x + a.width);
    // The title bar (the window's top strip) must be on the screen to be dragged.
    const titleOnScreen = y >= a.y && y + VISIBLE_HEIGHT <= a.y + a.height;
    return right - left >= VISIBLE_WIDTH && titleOnScreen;
  });
  return reachable ? { ...sized, x, y } : sized;
}

export function loadWindowState(
  file: string,
  workAreas: readonly Rectangle[],
  warn?: (message: string) => void,
): WindowState {
  return fitToDisplays(readJsonFile(file, WindowState, warn) ?? DEFAULT_WINDOW_STATE, workAreas);
}

/**
 * Saves the window's normal (not maximised) bounds and whether it is maximised, a moment after it is moved or
 * resized and when it closes. Returns a function that stops.
 */
export function trackWindowState(window: BrowserWindow, file: string, delayMs = 500): () => void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed()) return;
    const bounds = window.getNormalBounds();
    const state = WindowState.safeParse({
      x: Math.round(bounds.x),
      y: Math.round(bounds.y),
      width: Math.round(bounds.width),
      height: Math.round(bounds.height),
      maximized: window.isMaximized(),
    });
    // A minimised or collapsed window can report sizes no one wants back: those are not saved.
    if (!state.success) return;
    try {
      writeJsonFile(file, state.data);
    } catch (error) {
      console.warn(`could not save the window's size and place: ${(error as Error).message}`);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delayMs);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
  return () => {
    if (timer) clearTimeout(timer);
    window.removeListener('resize', later);
    window.removeListener('move', later);
    window.removeListener('maximize', later);
    window.removeListener('unmaximize', later);
    window.removeListener('close', save);
  };
}

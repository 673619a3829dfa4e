import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../engine/testing/temp-dir';

vi.mock('electron', () => import('./testing/electron-mock'));

const { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, trackWindowState } =
  await import('./window-state');

const primary = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 2560, height: 1400 };

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir('mle-beast-window-')));
afterEach(() => temp.cleanup());

describe('window size and place', () => {
  it('keeps a place on a screen that exists, drops one that is off every screen', () => {
    const state = { x: 2000, y: 100, width: 1400, height: 900, maximized: false };
    expect(fitToDisplays(state, [primary, right])).toEqual(state);
    // The right-hand monitor was unplugged: the window opens centred on what is left, at its size.
    expect(fitToDisplays(state, [primary])).toEqual({ width: 1400, height: 900, maximized: false });
    // Title bar above the screen's top, or only a sliver showing: dropped too.
    expect(fitToDisplays({ ...state, x: 100, y: -300 }, [primary]).x).toBeUndefined();
    expect(fitToDisplays({ ...state, x: 1880, y: 100 }, [primary]).x).toBeUndefined();
  });

  it('shrinks a size larger than the biggest screen', () => {
    expect(fitToDisplays({ width: 5000, height: 3000, maximized: true }, [primary])).toEqual({
      width: 1920,
      height: 1040,
      maximized: true,
    });
  });

  it('reads the saved file through its schema; a missing or bad file gives the default', () => {
    const file = path.join(temp.dir, 'window-state.json');
    const warn = vi.fn();
    expect(loadWindowState(file, [primary], warn)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(file, JSON.stringify({ x: 10, y: 20, width: 1000, height: 700, maximized: true }));
    expect(loadWindowState(file, [primary], warn)).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: true,
    });
    fs.writeFileSync(file, JSON.stringify({ width: 'big', height: 700 }));
    expect(loadWindowState(file, [primary], warn)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(file, '{not json');
    expect(loadWindowState(file, [primary], warn)).toEqual(DEFAULT_WINDOW_STATE);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('saves the normal bounds after a move or resize, and on close', async () => {
    const file = path.join(temp.dir, 'window-state.json');
    const window = Object.assign(new EventEmitter(), {
      bounds: { x: 50.4, y: 60, width: 1100, height: 750 },
      maximized: false,
      isDestroyed: () => false,
      getNormalBounds() {
        return this.bounds;
      },
      isMaximized() {
        return this.maximized;
      },
    });
    const stop = trackWindowState(window as never, file, 5);
    window.emit('move');
    window.emit('resize');
    await vi.waitFor(() => expect(fs.existsSync(file)).toBe(true));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      x: 50,
      y: 60,
      width: 1100,
      height: 750,
      maximized: false,
    });
    window.maximized = true;
    window.emit('close');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).maximized).toBe(true);
    // A collapsed window's size is not saved over a good one.
    window.bounds = { x: 0, y: 0, width: 0, height: 0 };
    window.emit('close');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).width).toBe(1100);
    stop();
    expect(window.listenerCount('close')).toBe(0);
  });
});

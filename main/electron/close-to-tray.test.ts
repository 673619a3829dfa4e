import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { Notification, resetElectronMock } from './testing/electron-mock';

vi.mock('electron', () => import('./testing/electron-mock'));

const { closeToTray } = await import('./close-to-tray');

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  resetElectronMock();
  temp = makeTempDir('mle-beast-close-');
});
afterEach(() => temp.cleanup());

describe('closing the window', () => {
  it('with runs going, keeps the app in the tray and says so the first time only, remembered on disk', () => {
    const notesFile = path.join(temp.dir, 'notes.json');
    const quit = vi.fn();
    const closed = closeToTray({
      notesFile,
      runsGoing: () => 2,
      hasTray: () => true,
      quit,
      platform: 'linux',
    });
    expect(closed()).toBe(true);
    expect(Notification.shown.map((n) => n.options.title)).toEqual(['mle-beast keeps running in the tray']);
    expect(Notification.shown[0]!.options.body).toMatch(/^Your 2 runs go on with the window closed/);
    expect(JSON.parse(fs.readFileSync(notesFile, 'utf8'))).toEqual({ closedToTraySaid: true });
    expect(closed()).toBe(true);
    // A new launch reads the note: still said once.
    expect(
      closeToTray({ notesFile, runsGoing: () => 1, hasTray: () => true, quit, platform: 'linux' })(),
    ).toBe(true);
    expect(Notification.shown).toHaveLength(1);
    expect(quit).not.toHaveBeenCalled();
  });

  it('without runs, or without a tray, quits (a Mac app stays in the dock)', () => {
    const notesFile = path.join(temp.dir, 'notes.json');
    const quit = vi.fn();
    expect(
      closeToTray({ notesFile, runsGoing: () => 0, hasTray: () => true, quit, platform: 'win32' })(),
    ).toBe(false);
    expect(
      closeToTray({ notesFile, runsGoing: () => 3, hasTray: () => false, quit, platform: 'linux' })(),
    ).toBe(false);
    expect(quit).toHaveBeenCalledTimes(2);
    expect(
      closeToTray({ notesFile, runsGoing: () => 0, hasTray: () => true, quit, platform: 'darwin' })(),
    ).toBe(true);
    expect(quit).toHaveBeenCalledTimes(2);
    expect(Notification.shown).toEqual([]);
  });

  it('a damaged notes file is read as nothing said, and rewritten', () => {
    const notesFile = path.join(temp.dir, 'notes.json');
    fs.writeFileSync(notesFile, '{"closedToTraySaid": "maybe"}');
    const warn = vi.fn();
    closeToTray({ notesFile, runsGoing: () => 1, hasTray: () => true, quit: vi.fn(), warn })();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/does not hold what the app expects/));
    expect(Notification.shown[0]!.options.body).toMatch(/^Your run goes on/);
    expect(JSON.parse(fs.readFileSync(notesFile, 'utf8'))).toEqual({ closedToTraySaid: true });
  });
});

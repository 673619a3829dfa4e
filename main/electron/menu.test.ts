import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcEventChannel } from '../../engine/api/transport-names';
import { FakeWindow, Menu, resetElectronMock, type MenuItemTemplate } from './testing/electron-mock';

vi.mock('electron', () => import('./testing/electron-mock'));

const { installAppMenu } = await import('./menu');

const fileMenu = (): MenuItemTemplate[] => Menu.applied!.find((m) => m.label === 'File')!.submenu!;
const click = (label: string) => fileMenu().find((i) => i.label === label)!.click!();

describe('the application menu', () => {
  beforeEach(() => resetElectronMock());

  it("moves the page with the contract's app.openPage event, never by running script in it", () => {
    const window = new FakeWindow();
    installAppMenu(() => window as never, '/data/mle-beast.sqlite');
    click('New Run');
    click('Runs');
    click('Settings');
    expect(window.sent).toEqual([
      { channel: ipcEventChannel('app.openPage'), payload: { page: 'new' } },
      { channel: ipcEventChannel('app.openPage'), payload: { page: 'runs' } },
      { channel: ipcEventChannel('app.openPage'), payload: { page: 'settings' } },
    ]);
    expect('executeJavaScript' in window.webContents).toBe(false);
  });

  it('does nothing when the window is gone (closed to the tray)', () => {
    const window = new FakeWindow();
    window.destroyed = true;
    installAppMenu(() => window as never, '/data/mle-beast.sqlite');
    click('Runs');
    installAppMenu(() => null, '/data/mle-beast.sqlite');
    click('Runs');
    expect(window.sent).toEqual([]);
  });
});

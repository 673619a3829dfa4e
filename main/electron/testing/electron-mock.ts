import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A stand-in for the parts of `electron` the tray, notifications and window lifecycle use (there is no
 * Electron binary here). It records what main asked for: the notifications shown, the tray's menus and
 * tooltips, the dialogs. Tests load it with `vi.mock('electron', () => import('./testing/electron-mock'))`
 * and reset it with `resetElectronMock()`.
 */
export class Notification extends EventEmitter {
  static shown: Notification[] = [];
  static supported = true;
  static isSupported = () => Notification.supported;
  closed = false;
  constructor(readonly options: { title: string; body: string; icon?: string }) {
    super();
  }
  show() {
    Notification.shown.push(this);
  }
  close() {
    this.closed = true;
    this.emit('close');
  }
  /** What a user's click does. */
  click() {
    this.emit('click', {});
  }
}

export interface MenuItemTemplate {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

export class Tray extends EventEmitter {
  static made: Tray[] = [];
  menus: MenuItemTemplate[][] = [];
  tooltips: string[] = [];
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    Tray.made.push(this);
  }
  setContextMenu(menu: MenuItemTemplate[]) {
    this.menus.push(menu);
  }
  setToolTip(text: string) {
    this.tooltips.push(text);
  }
  destroy() {
    this.destroyed = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
  get menu(): MenuItemTemplate[] {
    return this.menus.at(-1) ?? [];
  }
}

export const Menu = {
  buildFromTemplate: (template: MenuItemTemplate[]) => template,
  /** The application menu last installed. */
  applied: null as MenuItemTemplate[] | null,
  setApplicationMenu: (menu: MenuItemTemplate[] | null) => {
    Menu.applied = menu;
  },
};

export const shell = { showItemInFolder: vi.fn(), openExternal: vi.fn(async () => {}) };

export const nativeImage = {
  createFromPath: vi.fn((file: string) => ({
    file,
    isEmpty: () => false,
    resize: () => ({ file }),
    setTemplateImage: vi.fn(),
  })),
};

export const dialog = {
  /** The button index the next message boxes answer with. */
  answers: [] as number[],
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({
    response: dialog.answers.shift() ?? 0,
    checkboxChecked: false,
  })),
  showErrorBox: vi.fn(),
};

export const app = Object.assign(new EventEmitter(), {
  quit: vi.fn(),
  exit: vi.fn(),
  getPath: vi.fn(() => '/user-data'),
  setAsDefaultProtocolClient: vi.fn(() => true),
  isPackaged: false,
  dock: undefined,
});

export const screen = {
  getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
};

export function resetElectronMock(): void {
  Notification.shown = [];
  Notification.supported = true;
  Tray.made = [];
  Menu.applied = null;
  dialog.answers = [];
  dialog.showMessageBox.mockClear();
  app.removeAllListeners();
  app.quit.mockClear();
  app.exit.mockClear();
  app.setAsDefaultProtocolClient.mockClear();
}

/** A window as main sees it: visible or not, minimised or not, loading or not; records the events sent. */
export class FakeWindow extends EventEmitter {
  visible = true;
  minimized = false;
  focused = 0;
  destroyed = false;
  sent: { channel: string; payload: unknown }[] = [];
  webContents = Object.assign(new EventEmitter(), {
    loading: false,
    isLoading: () => this.webContents.loading,
    isDestroyed: () => this.destroyed,
    send: (channel: string, payload: unknown) => this.sent.push({ channel, payload }),
  });
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  isVisible = () => this.visible;
  restore = () => (this.minimized = false);
  show = () => (this.visible = true);
  hide = () => (this.visible = false);
  focus = () => (this.focused += 1);
}

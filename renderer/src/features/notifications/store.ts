import { create } from 'zustand';

/** Whether this page may show Web Notifications: the browser's permission, or none to ask for. */
export type NotifyPermission = 'unsupported' | 'default' | 'granted' | 'denied';

/** The browser host notifies from the page; the desktop app notifies from its main process instead. */
export const isBrowserHost = (): boolean => !window.mle;

const current = (): NotifyPermission =>
  typeof Notification === 'undefined' ? 'unsupported' : (Notification.permission as NotifyPermission);

interface NotificationsState {
  permission: NotifyPermission;
  asking: boolean;
  /** Asks the browser (it must follow a click: browsers refuse a request the user did not make). */
  request(): Promise<void>;
  /** Reads the permission again (the user may change it in the browser's site settings). */
  refresh(): void;
}

export const useNotificationsStore = create<NotificationsState>((set) => ({
  permission: current(),
  asking: false,
  request: async () => {
    if (typeof Notification === 'undefined') return;
    set({ asking: true });
    try {
      await Notification.requestPermission();
    } finally {
      set({ asking: false, permission: current() });
    }
  },
  refresh: () => set({ permission: current() }),
}));

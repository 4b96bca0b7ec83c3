// Start at login through macOS itself: the state is read back from the OS every time, never kept
// in our own settings (caprine), and only the packaged app registers itself (gitify), so a dev run
// does not add `Electron.app` to the user's login items.
import type { ActionResult } from '../../preload/ipc-contract';

export interface LoginItemApp {
  readonly isPackaged: boolean;
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): ActionResult;
}

export function createLoginItem(app: LoginItemApp): LoginItem {
  return {
    isEnabled: () => app.getLoginItemSettings().openAtLogin,
    setEnabled(enabled) {
      if (!app.isPackaged) {
        return { ok: false, error: 'Start at login works only in the installed app.' };
      }
      app.setLoginItemSettings({ openAtLogin: enabled });
      if (app.getLoginItemSettings().openAtLogin !== enabled) {
        return {
          ok: false,
          error: 'macOS did not accept the change (see System Settings › Login Items).',
        };
      }
      return { ok: true };
    },
  };
}

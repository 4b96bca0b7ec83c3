// App-level lifecycle: one instance, no Dock icon, and a quit that waits for the bridge to stop
// (and with it any OpenCode it launched) but never hangs the quit forever.
import type { App } from 'electron';
import type { AppLogger } from './log-buffer';

export const QUIT_TIMEOUT_MS = 10_000;

/** The one import-time side effect: a second launch hands over to the first and quits. */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit'>): boolean {
  const gotLock = app.requestSingleInstanceLock();
  if (!gotLock) app.quit();
  return gotLock;
}

export function setupSecondInstance(app: Pick<App, 'on'>, showWindow: () => void): void {
  app.on('second-instance', () => showWindow());
}

/** A menu-bar app keeps running with no window, and shows no Dock icon. */
export function setupMenuBarApp(app: Pick<App, 'on' | 'dock'>): void {
  app.dock?.hide();
  app.on('window-all-closed', () => {
    // Stay in the menu bar.
  });
}

export function setupQuit(
  app: Pick<App, 'on' | 'quit'>,
  options: { stop: () => Promise<unknown>; logger: AppLogger; timeoutMs?: number },
): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.logger.warn('The bridge did not stop in time; quitting anyway.');
        resolve();
      }, options.timeoutMs ?? QUIT_TIMEOUT_MS);
    });
    void Promise.race([options.stop().catch(() => undefined), timeout]).then(() => {
      clearTimeout(timer);
      state = 'stopped';
      app.quit();
    });
  });
}

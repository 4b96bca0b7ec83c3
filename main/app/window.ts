// The popover window under the tray icon: hardened (context isolation, sandbox, no node, no new
// windows, no navigation), hidden on blur, created lazily and re-created if closed.
import { BrowserWindow, screen, shell, type Rectangle, type WebContents } from 'electron';
import type { PushChannel, PushPayload } from '../../preload/ipc-contract';
import type { AppLogger } from './log-buffer';

export const WINDOW_SIZE = { width: 360, height: 520 } as const;
/** A click on the tray icon blurs (and so hides) the window just before the click arrives. */
const BLUR_GRACE_MS = 300;
/** Pushes held for a page that is still loading; the page pulls state and logs anyway. */
const MAX_QUEUED = 200;

export interface Point {
  x: number;
  y: number;
}

/** Centred under the tray icon, kept inside the display's work area. */
export function windowPosition(
  tray: Rectangle,
  size: { width: number; height: number },
  workArea: Rectangle,
): Point {
  const centred = Math.round(tray.x + tray.width / 2 - size.width / 2);
  const maxX = workArea.x + workArea.width - size.width;
  const x = Math.max(workArea.x, Math.min(centred, maxX));
  const below = tray.y + tray.height;
  const y = Math.max(workArea.y, Math.min(below, workArea.y + workArea.height - size.height));
  return { x, y };
}

/** Only http(s) leaves the app, and only to the default browser. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Applied to every webContents the app creates (wired from app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents, logger: AppLogger): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) void shell.openExternal(url);
    else logger.warn(`Blocked a new window for ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    logger.warn(`Blocked navigation to ${url}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

export type RendererSource = { file: string } | { url: string };

export interface WindowManager {
  show(trayBounds?: Rectangle): void;
  hide(): void;
  toggle(trayBounds: Rectangle): void;
  isVisible(): boolean;
  /** True when the IPC event comes from this window's own top frame. */
  isOwnSender(event: { sender: WebContents; senderFrame: { parent: unknown } | null }): boolean;
  /** Queued until the page says it listens (`markReady`), then sent in order. */
  send<C extends PushChannel>(channel: C, payload: PushPayload<C>): void;
  markReady(): void;
  window(): BrowserWindow | undefined;
}

export function createWindowManager(options: {
  preloadPath: string;
  renderer: RendererSource;
  logger: AppLogger;
  now?: () => number;
}): WindowManager {
  const now = options.now ?? Date.now;
  let win: BrowserWindow | undefined;
  let hiddenByBlurAt = -Infinity;
  let lastTray: Rectangle | undefined;
  let ready = false;
  let queued: { channel: PushChannel; payload: unknown }[] = [];

  const live = (): BrowserWindow | undefined =>
    win !== undefined && !win.isDestroyed() ? win : undefined;

  const create = (): BrowserWindow => {
    const created = new BrowserWindow({
      ...WINDOW_SIZE,
      show: false,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      transparent: false,
      title: 'OpenCode Bridge',
      webPreferences: {
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    created.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    created.on('blur', () => {
      if (created.webContents.isDevToolsOpened()) return;
      hiddenByBlurAt = now();
      created.hide();
    });
    created.on('closed', () => {
      if (win === created) win = undefined;
    });
    // A (re)load starts a page that has not subscribed yet.
    created.webContents.on('did-start-loading', () => {
      ready = false;
    });
    const loaded =
      'file' in options.renderer
        ? created.loadFile(options.renderer.file)
        : created.loadURL(options.renderer.url);
    loaded.catch((err: unknown) => {
      options.logger.error(
        `The window did not load: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    win = created;
    ready = false;
    queued = [];
    return created;
  };

  const show = (trayBounds?: Rectangle): void => {
    const target = live() ?? create();
    const bounds = trayBounds ?? lastTray;
    if (bounds !== undefined) {
      lastTray = bounds;
      const { workArea } = screen.getDisplayNearestPoint({ x: bounds.x, y: bounds.y });
      const { x, y } = windowPosition(bounds, WINDOW_SIZE, workArea);
      target.setPosition(x, y, false);
    }
    target.show();
    target.focus();
  };

  return {
    show,
    hide: () => live()?.hide(),
    toggle(trayBounds) {
      const current = live();
      if (current?.isVisible()) current.hide();
      else if (now() - hiddenByBlurAt < BLUR_GRACE_MS) hiddenByBlurAt = -Infinity;
      else show(trayBounds);
    },
    isVisible: () => live()?.isVisible() ?? false,
    isOwnSender(event) {
      const current = live();
      return (
        current !== undefined &&
        event.sender === current.webContents &&
        event.senderFrame !== null &&
        event.senderFrame.parent === null // the top frame, not an iframe
      );
    },
    send(channel, payload) {
      const current = live();
      if (current === undefined || current.webContents.isDestroyed()) return;
      if (!ready) {
        queued.push({ channel, payload });
        if (queued.length > MAX_QUEUED) queued.shift();
        return;
      }
      current.webContents.send(channel, payload);
    },
    markReady() {
      const current = live();
      ready = true;
      const pending = queued;
      queued = [];
      if (current === undefined || current.webContents.isDestroyed()) return;
      for (const { channel, payload } of pending) current.webContents.send(channel, payload);
    },
    window: live,
  };
}

// The menu-bar icon: a template image per TrayState (macOS tints black + alpha for light/dark
// menu bars), a click toggles the window, the context menu holds the few verbs that matter.
import path from 'node:path';
import {
  Menu,
  Tray,
  nativeImage,
  type MenuItemConstructorOptions,
  type NativeImage,
  type Rectangle,
} from 'electron';
import type { TrayState } from '../core/status';
import type { AppState } from '../../preload/ipc-contract';

export const TRAY_STATES: readonly TrayState[] = ['stopped', 'idle', 'working', 'waiting', 'error'];

const TOOLTIPS: Record<TrayState, string> = {
  stopped: 'OpenCode Bridge — stopped',
  idle: 'OpenCode Bridge — running',
  working: 'OpenCode Bridge — OpenCode is working',
  waiting: 'OpenCode Bridge — waiting for your answer',
  error: 'OpenCode Bridge — error',
};

/** Electron picks `…Template@2x.png` next to it on Retina displays. */
export function trayIconFile(assetsDir: string, state: TrayState): string {
  return path.join(assetsDir, `tray-${state}Template.png`);
}

export interface TrayActions {
  start: () => void;
  stop: () => void;
  setStartAtLogin: (enabled: boolean) => void;
  showLogs: () => void;
  quit: () => void;
}

/** Pure, so the menu's wording and enabled states are testable. */
export function trayMenuTemplate(
  state: AppState,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  const running = state.status.running;
  const canStart = state.missing.length === 0;
  return [
    running
      ? { label: 'Stop bridge', enabled: !state.busy, click: actions.stop }
      : {
          label: canStart ? 'Start bridge' : `Start bridge (fill in: ${state.missing.join(', ')})`,
          enabled: canStart && !state.busy,
          click: actions.start,
        },
    { type: 'separator' },
    {
      label: 'Start at login',
      type: 'checkbox',
      checked: state.startAtLogin,
      click: (item) => actions.setStartAtLogin(item.checked),
    },
    { label: 'Show logs', click: actions.showLogs },
    { type: 'separator' },
    { label: 'Quit OpenCode Bridge', accelerator: 'Command+Q', click: actions.quit },
  ];
}

export interface AppTray {
  update(state: AppState): void;
  bounds(): Rectangle;
  destroy(): void;
}

export function createTray(options: {
  assetsDir: string;
  initial: AppState;
  actions: TrayActions;
  onClick: (bounds: Rectangle) => void;
}): AppTray {
  const images = new Map<TrayState, NativeImage>();
  const imageFor = (state: TrayState): NativeImage => {
    let image = images.get(state);
    if (image === undefined) {
      image = nativeImage.createFromPath(trayIconFile(options.assetsDir, state));
      image.setTemplateImage(true);
      images.set(state, image);
    }
    return image;
  };

  let current = options.initial;
  const tray = new Tray(imageFor(current.tray));
  tray.setToolTip(TOOLTIPS[current.tray]);
  tray.setIgnoreDoubleClickEvents(true);
  tray.on('click', (_event, bounds) => options.onClick(bounds));
  // Built when opened, so Start/Stop and the login checkbox are always current.
  tray.on('right-click', () => {
    tray.popUpContextMenu(Menu.buildFromTemplate(trayMenuTemplate(current, options.actions)));
  });

  return {
    update(state) {
      if (state.tray !== current.tray) {
        tray.setImage(imageFor(state.tray));
        tray.setToolTip(TOOLTIPS[state.tray]);
      }
      current = state;
    },
    bounds: () => tray.getBounds(),
    destroy: () => tray.destroy(),
  };
}

// Wires the app once Electron is ready: stores → controller → IPC, window, tray, lifecycle.
// Each step is one call; the pieces take what they need as parameters.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { app, clipboard, dialog, powerMonitor, safeStorage, session } from 'electron';
import Store from 'electron-store';
import type { BridgeHost, BridgeSettings } from '../core/bridge-api';
import { createPresenceSource } from './presence';
import { PUSH, type SecretName } from '../../preload/ipc-contract';
import { createAppController, type AppController, type BridgeExtras } from './app-controller';
import { findOpencode, type ExecFile, type FoundOpencode } from './find-opencode';
import { registerIpc } from './ipc';
import { setupMenuBarApp, setupQuit, setupSecondInstance } from './lifecycle';
import { createLogBuffer } from './log-buffer';
import { createLoginItem } from './login-item';
import { createSecretStore, type SecretBackend } from './secret-store';
import { createSettingsStore, settingsStoreOptions, type StoredSettings } from './settings-store';
import { createTray, type AppTray } from './tray';
import { createWindowManager, hardenWebContents, type WindowManager } from './window';

export interface StartAppOptions {
  createBridge: (settings: BridgeSettings, extras: BridgeExtras) => BridgeHost;
  /** The bundle's `out/` folder: main/, preload/, renderer/, assets/. */
  outDir: string;
  /** Replaces the real search (login shell, install places); tests pass a fake. */
  findOpencode?: ((configured: string) => Promise<FoundOpencode>) | undefined;
}

export interface RunningApp {
  controller: AppController;
  windows: WindowManager;
  tray: AppTray;
}

const execWithTimeout: ExecFile = (file, args, { timeoutMs, env }) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, env, encoding: 'utf8' }, (err, stdout) => {
      if (err) reject(new Error(err.message, { cause: err }));
      else resolve({ stdout });
    });
  });

const isExecutable = (file: string): Promise<boolean> =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

export function startApp(options: StartAppOptions): RunningApp {
  setupMenuBarApp(app);

  const logs = createLogBuffer();
  const log = logs.logger('app');
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  // The window needs no camera, notifications, geolocation…: refuse every permission request.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );

  const settings = createSettingsStore(new Store<StoredSettings>(settingsStoreOptions()));
  const secretFile = new Store<Partial<Record<SecretName, string>>>({
    name: 'secrets',
    schema: {
      telegramBotToken: { type: 'string' },
      opencodePassword: { type: 'string' },
      transcribeKey: { type: 'string' },
    },
    clearInvalidConfig: true,
  });
  const secretBackend: SecretBackend = {
    get: (key) => secretFile.get(key),
    set: (key, value) => secretFile.set(key, value),
    delete: (key) => secretFile.delete(key),
  };
  const secrets = createSecretStore({
    safeStorage,
    backend: secretBackend,
    logger: logs.logger('secrets'),
    onPlaintext: (secret) => logs.addSecret(secret),
  });

  // Listening from launch: a screen locked before the bridge starts counts too.
  const desk = createPresenceSource(powerMonitor);
  const controller = createAppController({
    presence: (idleMinutes) => desk.create(idleMinutes),
    settings,
    secrets,
    loginItem: createLoginItem(app),
    logs,
    createBridge: options.createBridge,
    findOpencode:
      options.findOpencode ??
      ((configured) =>
        findOpencode({
          configured,
          homeDir: os.homedir(),
          env: process.env,
          exec: execWithTimeout,
          isExecutable,
        })),
    stateDir: app.getPath('userData'),
    homeDir: os.homedir(),
  });

  const windows = createWindowManager({
    preloadPath: path.join(options.outDir, 'preload', 'index.cjs'),
    renderer: { file: path.join(options.outDir, 'renderer', 'index.html') },
    logger: log,
  });

  registerIpc({
    controller,
    logs,
    logger: log,
    isTrustedSender: (event) => windows.isOwnSender(event),
    copyText: (text) => clipboard.writeText(text),
    onRendererReady: () => windows.markReady(),
    chooseFolder: async () => {
      const win = windows.window();
      const props: ('openDirectory' | 'createDirectory')[] = ['openDirectory', 'createDirectory'];
      const result = win
        ? await dialog.showOpenDialog(win, { properties: props })
        : await dialog.showOpenDialog({ properties: props });
      return result.canceled ? undefined : result.filePaths[0];
    },
  });

  const report = (what: string) => (result: { ok: boolean; error?: string }) => {
    if (!result.ok) log.warn(`${what}: ${result.error ?? 'failed'}`);
  };
  const tray = createTray({
    assetsDir: path.join(options.outDir, 'assets'),
    initial: controller.getState(),
    onClick: (bounds) => windows.toggle(bounds),
    actions: {
      start: () => void controller.start().then(report('Start')),
      stop: () => void controller.stop().then(report('Stop')),
      setStartAtLogin: (enabled) => report('Start at login')(controller.setStartAtLogin(enabled)),
      showLogs: () => {
        windows.show(tray.bounds());
        windows.send(PUSH.showTab, 'logs');
      },
      quit: () => app.quit(),
    },
  });

  controller.onState((state) => {
    tray.update(state);
    windows.send(PUSH.state, state);
  });
  logs.onEntry((entry) => windows.send(PUSH.log, entry));

  // Connections made before a sleep may be dead without either end knowing: make them anew.
  powerMonitor.on('resume', () => controller.resumed());
  setupSecondInstance(app, () => windows.show(tray.bounds()));
  setupQuit(app, { stop: () => controller.stop(), logger: log });

  void controller.autoStart();
  return { controller, windows, tray };
}

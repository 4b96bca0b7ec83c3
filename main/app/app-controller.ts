// The app's state and verbs, with no electron in sight: the stores, the login item and the bridge
// factory are injected. IPC, the tray and the quit handler all drive the bridge through this.
import type { Presence } from '../core/away/presence';
import type { BridgeHost, BridgeSettings } from '../core/bridge-api';
import { initialStatus, trayStateOf, type BridgeStatus } from '../core/status';
import type {
  ActionResult,
  AppState,
  PublicSettings,
  SecretName,
} from '../../preload/ipc-contract';
import { attachCommand, buildBridgeSettings, missingSettings } from './bridge-settings';
import type { FoundOpencode } from './find-opencode';
import type { LogBuffer } from './log-buffer';
import type { LoginItem } from './login-item';
import type { SecretStore } from './secret-store';
import type { SettingsStore } from './settings-store';

export interface AppControllerDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  loginItem: LoginItem;
  logs: LogBuffer;
  createBridge: (settings: BridgeSettings, extras: BridgeExtras) => BridgeHost;
  /** Away mode: the owner's presence at the desk, away after `idleMinutes` without input. */
  presence?: ((idleMinutes: number) => Presence & { dispose(): void }) | undefined;
  findOpencode: (configured: string) => Promise<FoundOpencode>;
  stateDir: string;
  homeDir: string;
}

/** What the app gives the bridge besides its settings. */
export interface BridgeExtras {
  presence?: Presence;
}

export interface AppController {
  getState(): AppState;
  onState(listener: (state: AppState) => void): () => void;
  getSettings(): PublicSettings;
  saveSettings(settings: PublicSettings): ActionResult;
  setSecret(name: SecretName, value: string): ActionResult;
  clearSecret(name: SecretName): ActionResult;
  start(): Promise<ActionResult>;
  stop(): Promise<ActionResult>;
  setStartAtLogin(enabled: boolean): ActionResult;
  /** At launch: start when the settings are complete, stay quiet otherwise. */
  autoStart(): Promise<void>;
  /** The Mac woke from sleep: a running bridge reconnects at once instead of finding out late. */
  resumed(): void;
}

export function createAppController(deps: AppControllerDeps): AppController {
  const { settings, secrets, loginItem, logs } = deps;
  const log = logs.logger('app');
  const listeners = new Set<(state: AppState) => void>();

  let host: BridgeHost | undefined;
  let presence: (Presence & { dispose(): void }) | undefined;
  let unsubscribe: (() => void)[] = [];
  let status: BridgeStatus = initialStatus;
  let busy = false;
  let restartNeeded = false;
  // Start and stop run one at a time, in the order asked.
  let queue: Promise<unknown> = Promise.resolve();

  const getState = (): AppState => {
    const current = settings.get();
    return {
      status,
      tray: trayStateOf(status),
      secrets: {
        telegramBotToken: secrets.has('telegramBotToken'),
        opencodePassword: secrets.has('opencodePassword'),
        transcribeKey: secrets.has('transcribeKey'),
      },
      encryptionAvailable: secrets.isEncryptionAvailable(),
      startAtLogin: loginItem.isEnabled(),
      missing: missingSettings(current, (name) => secrets.has(name)),
      attachCommand: attachCommand(current),
      busy,
      restartNeeded: restartNeeded && status.running,
    };
  };

  const emit = (): void => {
    const state = getState();
    for (const listener of listeners) listener(state);
  };

  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const message = (err: unknown): string =>
    logs.redact(err instanceof Error ? err.message : String(err));

  const doStart = async (): Promise<ActionResult> => {
    if (host !== undefined) return { ok: true };
    const current = settings.get();
    const missing = missingSettings(current, (name) => secrets.has(name));
    if (missing.length > 0) return { ok: false, error: `Fill in first: ${missing.join(', ')}.` };
    const token = secrets.read('telegramBotToken');
    if (token === undefined)
      return { ok: false, error: 'The saved bot token cannot be read; save it again.' };
    const password = secrets.read('opencodePassword');
    if (current.opencodeMode === 'attach' && password === undefined) {
      return { ok: false, error: 'The saved OpenCode password cannot be read; save it again.' };
    }

    let binary: string | undefined;
    if (current.opencodeMode === 'launch') {
      const found = await deps.findOpencode(current.opencodeBinary);
      if (found.found) {
        binary = found.path;
        log.info(`Using opencode at ${found.path} (from ${found.source}).`);
      } else if (current.opencodeBinary !== '') {
        return { ok: false, error: found.reason };
      } else {
        log.warn(`${found.reason} Trying PATH.`);
      }
    }

    // "When I'm away" needs the desk's signals; "always" sends regardless, "never" is in the settings.
    presence = current.awayNotify === 'away' ? deps.presence?.(current.awayIdleMinutes) : undefined;
    const bridge = deps.createBridge(
      buildBridgeSettings({
        settings: current,
        telegramBotToken: token,
        opencodePassword: password,
        transcribeKey: current.transcribeUrl !== '' ? secrets.read('transcribeKey') : undefined,
        opencodeBinary: binary,
        stateDir: deps.stateDir,
        homeDir: deps.homeDir,
      }),
      presence ? { presence } : {},
    );
    host = bridge;
    restartNeeded = false;
    unsubscribe = [
      bridge.onStatus((next) => {
        status = next;
        emit();
      }),
      bridge.onLog((entry) => logs.push(entry)),
    ];
    log.info('Starting the bridge.');
    try {
      await bridge.start();
      status = bridge.status();
      return { ok: true };
    } catch (err) {
      const reason = message(err);
      log.error(`The bridge did not start: ${reason}`);
      await stopHost();
      return { ok: false, error: reason };
    }
  };

  const stopHost = async (): Promise<void> => {
    const bridge = host;
    if (bridge === undefined) return;
    try {
      await bridge.stop();
    } catch (err) {
      log.error(`Stopping the bridge failed: ${message(err)}`);
    } finally {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      host = undefined;
      presence?.dispose();
      presence = undefined;
      status = { ...bridge.status(), running: false };
    }
  };

  const withBusy = async (task: () => Promise<ActionResult>): Promise<ActionResult> => {
    busy = true;
    emit();
    try {
      return await task();
    } finally {
      busy = false;
      emit();
    }
  };

  const start = (): Promise<ActionResult> => serial(() => withBusy(doStart));

  return {
    getState,
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSettings: () => settings.get(),
    saveSettings(next) {
      settings.save(next);
      if (host !== undefined) restartNeeded = true;
      log.info('Settings saved.');
      emit();
      return { ok: true };
    },
    setSecret(name, value) {
      const result = secrets.set(name, value);
      if (result.ok && host !== undefined) restartNeeded = true;
      emit();
      return result;
    },
    clearSecret(name) {
      secrets.clear(name);
      emit();
      return { ok: true };
    },
    start,
    stop: () =>
      serial(() =>
        withBusy(async () => {
          if (host !== undefined) log.info('Stopping the bridge.');
          await stopHost();
          return { ok: true };
        }),
      ),
    setStartAtLogin(enabled) {
      const result = loginItem.setEnabled(enabled);
      emit();
      return result;
    },
    async autoStart() {
      const missing = missingSettings(settings.get(), (name) => secrets.has(name));
      if (missing.length > 0) {
        log.info(`Not starting yet; fill in: ${missing.join(', ')}.`);
        return;
      }
      const result = await start();
      if (!result.ok) log.warn(`Automatic start failed: ${result.error}`);
    },
    resumed() {
      host?.reconnect();
    },
  };
}

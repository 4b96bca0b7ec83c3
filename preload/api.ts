// The one object the window gets as `window.bridge`: verbs, never raw channels. Built from a
// minimal IPC port so it can be tested without electron; `index.ts` plugs in ipcRenderer.
import type { LogEntry, LogLevel } from '../main/core/status';
import {
  INVOKE,
  PUSH,
  type AppState,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResponse,
  type PublicSettings,
  type PushChannel,
  type PushPayload,
  type SecretName,
  type Tab,
} from './ipc-contract';

export interface IpcPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): void;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): void;
}

export function createApi(port: IpcPort) {
  const invoke = <C extends InvokeChannel>(
    channel: C,
    ...args: InvokeArgs<C>
  ): Promise<InvokeResponse<C>> => port.invoke(channel, ...args) as Promise<InvokeResponse<C>>;

  /** Subscribes; returns the unsubscribe. The IPC event object never reaches the page. */
  const on = <C extends PushChannel>(
    channel: C,
    listener: (payload: PushPayload<C>) => void,
  ): (() => void) => {
    const wrapped = (_event: unknown, payload: unknown): void => {
      listener(payload as PushPayload<C>);
    };
    port.on(channel, wrapped);
    return () => port.removeListener(channel, wrapped);
  };

  return {
    /** Bridge status, tray state, which secrets are set, start-at-login. */
    getState: () => invoke(INVOKE.getState),
    onState: (listener: (state: AppState) => void) => on(PUSH.state, listener),
    /** The recent log lines, oldest first. */
    getLogs: () => invoke(INVOKE.getLogs),
    onLog: (listener: (entry: LogEntry) => void) => on(PUSH.log, listener),
    /** Main asks the window to show a tab (tray menu "Show logs"). */
    onShowTab: (listener: (tab: Tab) => void) => on(PUSH.showTab, listener),
    getSettings: () => invoke(INVOKE.getSettings),
    saveSettings: (settings: PublicSettings) => invoke(INVOKE.saveSettings, settings),
    /** Write-only: there is deliberately no way to read a secret back. */
    setSecret: (name: SecretName, value: string) => invoke(INVOKE.setSecret, { name, value }),
    clearSecret: (name: SecretName) => invoke(INVOKE.clearSecret, name),
    start: () => invoke(INVOKE.start),
    stop: () => invoke(INVOKE.stop),
    setStartAtLogin: (enabled: boolean) => invoke(INVOKE.setStartAtLogin, enabled),
    copyAttachCommand: () => invoke(INVOKE.copyAttachCommand),
    /** Main copies its own log lines at or above `minLevel`. */
    copyLogs: (minLevel: LogLevel) => invoke(INVOKE.copyLogs, minLevel),
    /** A native folder picker; undefined when cancelled. */
    chooseProjectFolder: () => invoke(INVOKE.chooseProjectFolder),
    /** Call once every on… listener is in place; pushes sent before are held until then. */
    ready: () => invoke(INVOKE.rendererReady),
  };
}

export type BridgeApi = ReturnType<typeof createApi>;

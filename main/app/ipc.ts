// Every invoke channel gets exactly one handler (the mapped type below fails to compile when one
// is missing). Each message must come from our own window's top frame (fiddle), and each payload
// is checked by a hand-written validator before anything acts on it.
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { LogLevel } from '../core/status';
import {
  INVOKE,
  type InvokeChannel,
  type InvokeResponse,
  type PublicSettings,
  type SecretName,
  type SetSecretRequest,
} from '../../preload/ipc-contract';
import {
  checkPublicSettings,
  checkSetSecret,
  isLogLevel,
  isSecretName,
} from '../../preload/settings-validation';
import type { AppController } from './app-controller';
import { atLeast, formatLogLine, type AppLogger, type LogBuffer } from './log-buffer';

export class IpcRefusedError extends Error {
  override readonly name = 'IpcRefusedError';
  constructor(
    readonly channel: string,
    reason: string,
  ) {
    super(`Refused ${channel}: ${reason}`);
  }
}

export interface IpcDeps {
  controller: AppController;
  logs: LogBuffer;
  logger: AppLogger;
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  copyText: (text: string) => void;
  chooseFolder: () => Promise<string | undefined>;
  onRendererReady: () => void;
}

type Handler<C extends InvokeChannel> = (
  payload: unknown,
) => InvokeResponse<C> | Promise<InvokeResponse<C>>;
type Handlers = { [C in InvokeChannel]: Handler<C> };

function noPayload<T>(channel: InvokeChannel, run: () => T): (payload: unknown) => T {
  return (payload) => {
    if (payload !== undefined) throw new IpcRefusedError(channel, 'expected no payload');
    return run();
  };
}

function checked<T, R>(
  channel: InvokeChannel,
  check: (payload: unknown) => { ok: true; value: T } | { ok: false; error: string },
  run: (value: T) => R,
): (payload: unknown) => R {
  return (payload) => {
    const result = check(payload);
    if (!result.ok) throw new IpcRefusedError(channel, result.error);
    return run(result.value);
  };
}

const secretName = (p: unknown) =>
  isSecretName(p)
    ? { ok: true as const, value: p satisfies SecretName }
    : { ok: false as const, error: 'unknown secret name' };
const bool = (p: unknown) =>
  typeof p === 'boolean'
    ? { ok: true as const, value: p }
    : { ok: false as const, error: 'expected true or false' };
const level = (p: unknown) =>
  isLogLevel(p)
    ? { ok: true as const, value: p satisfies LogLevel }
    : { ok: false as const, error: 'expected debug, info, warn or error' };

export function createHandlers(deps: IpcDeps): Handlers {
  const { controller, logs } = deps;
  return {
    [INVOKE.getState]: noPayload(INVOKE.getState, () => controller.getState()),
    [INVOKE.getLogs]: noPayload(INVOKE.getLogs, () => logs.entries()),
    [INVOKE.getSettings]: noPayload(INVOKE.getSettings, () => controller.getSettings()),
    [INVOKE.saveSettings]: checked(INVOKE.saveSettings, checkPublicSettings, (s: PublicSettings) =>
      controller.saveSettings(s),
    ),
    [INVOKE.setSecret]: checked(INVOKE.setSecret, checkSetSecret, (r: SetSecretRequest) =>
      controller.setSecret(r.name, r.value),
    ),
    [INVOKE.clearSecret]: checked(INVOKE.clearSecret, secretName, (name) =>
      controller.clearSecret(name),
    ),
    [INVOKE.start]: noPayload(INVOKE.start, () => controller.start()),
    [INVOKE.stop]: noPayload(INVOKE.stop, () => controller.stop()),
    [INVOKE.setStartAtLogin]: checked(INVOKE.setStartAtLogin, bool, (on) =>
      controller.setStartAtLogin(on),
    ),
    [INVOKE.copyAttachCommand]: noPayload(INVOKE.copyAttachCommand, () => {
      deps.copyText(controller.getState().attachCommand);
      return { ok: true };
    }),
    [INVOKE.copyLogs]: checked(INVOKE.copyLogs, level, (min) => {
      const lines = logs.entries().filter((e) => atLeast(e.level, min));
      deps.copyText(lines.map(formatLogLine).join('\n'));
      return { ok: true };
    }),
    [INVOKE.chooseProjectFolder]: noPayload(INVOKE.chooseProjectFolder, () => deps.chooseFolder()),
    [INVOKE.rendererReady]: noPayload(INVOKE.rendererReady, () => {
      deps.onRendererReady();
      return undefined;
    }),
  };
}

/** Registers every handler on ipcMain; returns a function that removes them. */
export function registerIpc(deps: IpcDeps): () => void {
  const handlers = createHandlers(deps);
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    const handler = handlers[channel] as (payload: unknown) => unknown;
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!deps.isTrustedSender(event)) {
        deps.logger.warn(`Refused ${channel} from a sender that is not the app's window.`);
        throw new IpcRefusedError(channel, 'the sender is not the app window');
      }
      if (args.length > 1) throw new IpcRefusedError(channel, 'expected at most one argument');
      return handler(args[0]);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

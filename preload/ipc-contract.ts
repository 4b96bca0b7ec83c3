// The one list of IPC channels between the main process and the window, with the payload each
// carries. Pure constants and types (no electron import): main imports the values, the preload
// imports the values, the renderer imports types only.
import type { BridgeStatus, LogEntry, LogLevel, TrayState } from '../main/core/status';

const P = 'opencode-bridge:';

/** Renderer → main, answered (ipcRenderer.invoke / ipcMain.handle). */
export const INVOKE = {
  getState: `${P}get-state`,
  getLogs: `${P}get-logs`,
  getSettings: `${P}get-settings`,
  saveSettings: `${P}save-settings`,
  setSecret: `${P}set-secret`,
  clearSecret: `${P}clear-secret`,
  start: `${P}start`,
  stop: `${P}stop`,
  setStartAtLogin: `${P}set-start-at-login`,
  copyAttachCommand: `${P}copy-attach-command`,
  copyLogs: `${P}copy-logs`,
  chooseProjectFolder: `${P}choose-project-folder`,
  /** The window has subscribed to pushes; main flushes what it queued until now. */
  rendererReady: `${P}renderer-ready`,
} as const;

/** Main → renderer, fire and forget (webContents.send / ipcRenderer.on). */
export const PUSH = {
  state: `${P}state`,
  log: `${P}log`,
  showTab: `${P}show-tab`,
} as const;

export type InvokeChannel = (typeof INVOKE)[keyof typeof INVOKE];
export type PushChannel = (typeof PUSH)[keyof typeof PUSH];

export type SecretName = 'telegramBotToken' | 'opencodePassword' | 'transcribeKey';
export const SECRET_NAMES: readonly SecretName[] = [
  'telegramBotToken',
  'opencodePassword',
  'transcribeKey',
];

export type OpencodeMode = 'launch' | 'attach';
export type AwayNotify = 'away' | 'always' | 'never';
export type Tab = 'status' | 'settings' | 'logs';

/** The settings that are not secret; they live in electron-store as plain JSON. */
export interface PublicSettings {
  allowedUserIds: number[];
  /** Group and channel ids (negative) where the bot works; in any other group it leaves. */
  allowedChatIds: number[];
  opencodeMode: OpencodeMode;
  /** Used in attach mode. */
  opencodeUrl: string;
  /** Used in launch mode. */
  opencodePort: number;
  /** Empty: find it (login shell PATH, then the usual install places). */
  opencodeBinary: string;
  /** Empty: the home folder. */
  defaultProject: string;
  editIntervalMs: number;

  // Away mode: sessions started at the desk that need the owner.
  /** When they reach the phone: when the owner is away (screen locked or idle), always, never. */
  awayNotify: AwayNotify;
  /** Minutes without keyboard or mouse after which the owner counts as away. */
  awayIdleMinutes: number;
  /** Voice messages: the OpenAI-compatible transcription endpoint; empty: voice notes are off. */
  transcribeUrl: string;
  transcribeModel: string;
  /** Empty: the endpoint detects the language. */
  transcribeLanguage: string;

  // How answers reach the phone (BRIDGE_STREAMING, BRIDGE_RICH, TELEGRAM_API_ROOT).
  /** Drafts in private chats (edits elsewhere), or edits everywhere. */
  streaming: 'draft' | 'edit';
  /** One rich message per answer up to 32k characters; off: HTML messages of 4096. */
  richMessages: boolean;
  /** Empty: https://api.telegram.org; else a self-hosted Bot API server. */
  telegramApiRoot: string;
}

/** Everything the window shows. Never contains a secret, only whether it is set. */
export interface AppState {
  status: BridgeStatus;
  tray: TrayState;
  secrets: Record<SecretName, boolean>;
  /** False: safeStorage cannot encrypt here, so secrets cannot be saved. */
  encryptionAvailable: boolean;
  startAtLogin: boolean;
  /** What must still be filled in before the bridge can start; empty when complete. */
  missing: string[];
  /** `opencode attach http://127.0.0.1:<port>` for the TUI at the desk. */
  attachCommand: string;
  /** A start or stop is under way. */
  busy: boolean;
  /** Settings changed while running; they apply at the next start. */
  restartNeeded: boolean;
}

export type ActionResult = { ok: true } | { ok: false; error: string };

export interface SetSecretRequest {
  name: SecretName;
  value: string;
}

interface Contract<Req, Res> {
  request: Req;
  response: Res;
}

export type InvokeContract = AssertCoverage<
  InvokeChannel,
  {
    [INVOKE.getState]: Contract<undefined, AppState>;
    [INVOKE.getLogs]: Contract<undefined, LogEntry[]>;
    [INVOKE.getSettings]: Contract<undefined, PublicSettings>;
    [INVOKE.saveSettings]: Contract<PublicSettings, ActionResult>;
    [INVOKE.setSecret]: Contract<SetSecretRequest, ActionResult>;
    [INVOKE.clearSecret]: Contract<SecretName, ActionResult>;
    [INVOKE.start]: Contract<undefined, ActionResult>;
    [INVOKE.stop]: Contract<undefined, ActionResult>;
    [INVOKE.setStartAtLogin]: Contract<boolean, ActionResult>;
    [INVOKE.copyAttachCommand]: Contract<undefined, ActionResult>;
    [INVOKE.copyLogs]: Contract<LogLevel, ActionResult>;
    [INVOKE.chooseProjectFolder]: Contract<undefined, string | undefined>;
    [INVOKE.rendererReady]: Contract<undefined, undefined>;
  }
>;

export type PushContract = AssertCoverage<
  PushChannel,
  {
    [PUSH.state]: AppState;
    [PUSH.log]: LogEntry;
    [PUSH.showTab]: Tab;
  }
>;

/**
 * Fails to compile when a channel has no contract entry, or an entry names no channel
 * (gitify's AssertEventCoverage).
 */
export type AssertCoverage<C extends string, T extends Record<C, unknown>> =
  Exclude<keyof T, C> extends never ? T : never;

export type InvokeRequest<C extends InvokeChannel> = InvokeContract[C]['request'];
export type InvokeResponse<C extends InvokeChannel> = InvokeContract[C]['response'];
/** `[]` for channels without a request, else `[request]`. */
export type InvokeArgs<C extends InvokeChannel> = [InvokeRequest<C>] extends [undefined]
  ? []
  : [InvokeRequest<C>];
export type PushPayload<C extends PushChannel> = PushContract[C];

// The contract between the bridge core and whoever hosts it (the headless CLI, the Electron app).
import type { NotifyDefault } from './away/notify-mode';
import type { BridgeStatus, LogEntry } from './status';

export interface BridgeSettings {
  telegramBotToken: string;
  /** Numeric Telegram user ids; the only people whose messages have any effect. */
  allowedUserIds: readonly number[];
  /**
   * Group, supergroup and channel ids (negative) where those users may use the bot; in any other
   * group the bot leaves. Private chats need no entry.
   */
  allowedChatIds: readonly number[];
  telegramApiRoot: string;
  /** A running `opencode serve`, or undefined to launch one on `opencodePort`. */
  opencodeUrl: string | undefined;
  opencodePort: number;
  opencodeUsername: string;
  opencodePassword: string | undefined;
  /** Path to the `opencode` binary when the bridge launches it; undefined: search PATH. */
  opencodeBinary: string | undefined;
  defaultProject: string;
  /** More folders /projects offers besides OpenCode's known projects (BRIDGE_PROJECTS). */
  extraProjects?: readonly string[] | undefined;
  stateDir: string;
  editIntervalMs: number;
  /** A message older than this when the bridge reads it is not run without a tap (default 10 min). */
  stalePromptMs?: number | undefined;
  /** BRIDGE_NOTIFY: what of the sessions no chat follows reaches the phone (default all). */
  notify?: NotifyDefault | undefined;
  /** BRIDGE_NOTIFY_MIN_TURN_S, in ms: shorter desk turns end without a notice (default 30 s). */
  notifyMinTurnMs?: number | undefined;
  /**
   * BRIDGE_HOME_CHAT: where desk sessions reach the phone instead of every user's private chat.
   * A private chat, or a forum group (one topic per desk session), which must also be allowed.
   */
  homeChatId?: number | undefined;
  /** Where voice notes are transcribed; undefined: voice notes get a how-to-turn-it-on reply. */
  transcription?: TranscriptionSettings | undefined;
  /** Longer voice notes are refused before they are downloaded (default 300 s). */
  voiceMaxSeconds?: number | undefined;
  /** BRIDGE_STREAMING: answers stream as drafts in private chats (default), or by editing a message. */
  streaming?: StreamingMode | undefined;
  /** BRIDGE_RICH: rich messages (one message up to 32k characters; default on), or HTML only. */
  rich?: boolean | undefined;
}

export type StreamingMode = 'draft' | 'edit';

/** An OpenAI-compatible speech-to-text endpoint (OpenAI, or a local whisper server). */
export interface TranscriptionSettings {
  /** Base URL: the audio goes to `<url>/audio/transcriptions`. Https or loopback. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer …`; a secret. Undefined: no header (a local server). */
  key: string | undefined;
  /** ISO 639-1 code; undefined lets the endpoint detect it. */
  language: string | undefined;
}

export interface BridgeHost {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): BridgeStatus;
  /**
   * Drops the connections to Telegram and OpenCode and makes them anew at once: after the machine
   * wakes from sleep they may be dead without either side having noticed.
   */
  reconnect(): void;
  /** Returns its unsubscribe function. */
  onStatus(listener: (status: BridgeStatus) => void): () => void;
  onLog(listener: (entry: LogEntry) => void): () => void;
}

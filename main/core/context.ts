// What every feature of the bridge gets to work with. Features are small modules (prompts,
// permissions, questions, sessions…) that install grammY handlers and react to OpenCode events;
// the bridge composes them and owns the lifecycle.
import type { Api, Composer, Context } from 'grammy';
import type { BridgeSettings } from './bridge-api';
import type { ChatDirectory } from './chats';
import type { ButtonPress, ButtonRegistry } from './interaction/buttons';
import type { Logger } from './log';
import type { OpencodeClient } from './opencode/client';
import type { OpencodeEvent } from './opencode/types';
import type { StateStore } from './state-store';
import type { Messenger, Place } from './telegram/messenger';
import type { TurnRegistry } from './turn/turns';

export interface BridgeContext {
  settings: BridgeSettings;
  logger(scope: string): Logger;
  client: OpencodeClient;
  messenger: Messenger;
  api: Api;
  store: StateStore;
  chats: ChatDirectory;
  turns: TurnRegistry;
  buttons: ButtonRegistry;
  now(): number;
  /** Tells the host that something in the status (sessions, waiting prompts) changed. */
  statusChanged(): void;
  /**
   * Records on disk that this update's effect on OpenCode (a prompt, an answer) is about to
   * happen, so a copy Telegram delivers again after a crash is skipped, not run twice. Never rejects.
   */
  beforeSideEffect(updateId: number): Promise<void>;
}

export interface CommandInfo {
  command: string;
  description: string;
}

export interface Feature {
  /** Shown in Telegram's command menu and in /help, in this order. */
  commands?: CommandInfo[];
  install?(bot: Composer<Context>): void;
  /** Button presses whose record has one of these kinds are routed here. */
  buttonKinds?: string[];
  onButton?(ctx: Context, press: ButtonPress): Promise<void>;
  /** A text message that is not a command; return true when it was consumed (e.g. a typed answer). */
  onText?(ctx: Context, place: Place, text: string): Promise<boolean>;
  onEvent?(event: OpencodeEvent, sessionId: string | undefined): void;
  /** After every (re)connect to OpenCode: re-read what may have been missed. */
  onConnected?(): Promise<void>;
  /** Open prompts waiting for the user, for the status and tray. */
  waitingSessions?(): string[];
}

/** The chat place a grammY update belongs to. General (thread 1) counts as the chat itself. */
export function placeOf(ctx: Context): Place {
  const message = ctx.msg ?? ctx.callbackQuery?.message;
  const threadId =
    message && 'is_topic_message' in message && message.is_topic_message
      ? message.message_thread_id
      : undefined;
  return { chatId: ctx.chat?.id ?? 0, threadId };
}

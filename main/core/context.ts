// What every feature of the bridge gets to work with. Features are small modules (prompts,
// permissions, questions, sessions…) that install grammY handlers and react to OpenCode events;
// the bridge composes them and owns the lifecycle.
import type { Api, Composer, Context } from 'grammy';
import type { BridgeSettings } from './bridge-api';
import type { ChatDirectory } from './chats';
import type { ButtonPress, ButtonRegistry } from './interaction/buttons';
import type { Logger } from './log';
import type { BridgeEvent, OpencodeAdapter } from './opencode/adapter';
import type { Session } from './opencode/types';
import type { StateStore } from './state-store';
import type { Messenger, Place } from './telegram/messenger';
import type { TurnRegistry } from './turn/turns';

export interface BridgeContext {
  settings: BridgeSettings;
  logger(scope: string): Logger;
  /** Everything about OpenCode goes through this adapter. */
  client: OpencodeAdapter;
  messenger: Messenger;
  api: Api;
  store: StateStore;
  chats: ChatDirectory;
  turns: TurnRegistry;
  buttons: ButtonRegistry;
  now(): number;
  /** Tells the host that something in the status (sessions, waiting prompts) changed. */
  statusChanged(): void;
  /** Where prompts of sessions no chat follows go (set once the desk feature is installed). */
  desk?: DeskRouter | undefined;
  /** Why OpenCode cannot be used now (the status's error, e.g. a 2.x server), if it cannot. */
  opencodeProblem?(): string | undefined;
  /**
   * Records on disk that this update's effect on OpenCode (a prompt, an answer) is about to
   * happen, so a copy Telegram delivers again after a crash is skipped, not run twice. Never rejects.
   */
  beforeSideEffect(updateId: number): Promise<void>;
}

/** Routes what sessions started at the desk (followed by no chat) bring to the phone. */
export interface DeskRouter {
  /**
   * The chats a desk session's prompt goes to, and the line naming the session above it.
   * Undefined when it goes nowhere now; `retry` is called if that changes while it is pending
   * (the owner leaves the desk).
   */
  promptPlaces(
    requestId: string,
    session: Session,
    parent: Session | undefined,
    retry: () => void,
  ): Promise<{ places: Place[]; header: string } | undefined>;
  /** The request was answered or ended: nothing to send later. */
  release(requestId: string): void;
  /** Folders of desk sessions, whose pending prompts are re-read after a reconnect. */
  folders(): Promise<string[]>;
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
  onEvent?(event: BridgeEvent): void;
  /** OpenCode raised an event in this project folder (any event, even one the bridge skips). */
  onFolder?(directory: string): void;
  /** After every (re)connect to OpenCode: re-read what may have been missed. */
  onConnected?(): Promise<void>;
  /** Open prompts waiting for the user, for the status and tray. */
  waitingSessions?(): string[];
  /** Sizes of what the feature keeps in memory, for diagnostics. */
  sizes?(): Record<string, number>;
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

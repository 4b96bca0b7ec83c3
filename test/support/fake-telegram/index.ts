// A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1 that grammY talks to via
// `new Bot(token, { client: { apiRoot } })`, plus a test-side API to act as the user, inspect
// what the bot did and inject faults. Each member of FakeTelegram documents itself.
import type { BotCommand, Chat, Update, UserFromGetMe } from 'grammy/types';
import { ApiError } from './errors';
import { Faults, type InjectedFailure } from './faults';
import { RateLimiter, type RateLimitOptions } from './rate-limiter';
import { canonical } from './message-factory';
import { FakeServer } from './server';
import { menuFor } from './methods/commands';
import {
  Store,
  type CallbackAnswer,
  type CallRecord,
  type ChatActionRecord,
  type CommandSet,
  type FakeUser,
  type RateLimitHit,
  type TopicState,
} from './store';
import { UpdateQueue } from './update-queue';
import { configureRich, richTestApi, type RichOptions, type RichTestApi } from './rich-api';
import { FakeUserActions, type SentByUser, type UserMessageBase } from './user-actions';
import type { AudioInput, VoiceInput } from './voice';
import { isContent, viewOf, type MessageView } from './views';

export type { CallbackAnswer, CallRecord, ChatActionRecord, CommandSet, FakeUser, RateLimitHit };
export type { InjectedFailure, MessageView, RateLimitOptions, SentByUser, TopicState };
export type { AudioInput, VoiceInput };
export { RATE_LIMIT_DEFAULTS } from './rate-limiter';
export { TOPIC_ICON_COLORS } from './methods/forum';
export { CHANNEL_BOT, GROUP_ANONYMOUS_BOT } from './user-actions';
export type { DraftEnd, DraftUpdate, DraftView, RichOptions, RichTestApi } from './rich-api';
export type { RichVersion } from './store';
export { RICH_ERRORS, RICH_LIMITS, richPlainText } from './rich-content';
export { DRAFT_TTL_MS } from './rich-state';
export { DRAFT_ERRORS } from './methods/drafts';
export { METHOD_NOT_FOUND } from './methods/rich-methods';
export { PRIVATE_TOPIC_ERRORS } from './methods/private-topics';

export interface FakeTelegramOptions extends RichOptions {
  /** Default `123:TEST`; the bot's user id is the part before the colon. */
  token?: string;
  /** Overrides for the getMe user. Default username `fake_bridge_bot`. */
  botUser?: Partial<UserFromGetMe>;
  /** Flood limits (see RATE_LIMIT_DEFAULTS), or false to disable them. */
  rateLimits?: RateLimitOptions | false;
  /** The first update_id handed out. Default 1000. */
  firstUpdateId?: number;
  /** Clock in ms for dates, history timestamps and flood limits. Default Date.now. */
  now?: () => number;
}

export interface ForumGroupOptions {
  title: string;
  /** Default true. */
  botIsAdmin?: boolean;
  /** Default true. */
  canManageTopics?: boolean;
  /** Default true; false gives a plain supergroup. */
  isForum?: boolean;
  username?: string;
  /** Default true; false: the bot is not in it yet (see userAddsBot). */
  botIsMember?: boolean;
}

export interface WaitOptions {
  /** Default 5000. */
  timeoutMs?: number;
}

export interface FakeTelegram extends RichTestApi {
  /** e.g. `http://127.0.0.1:PORT`, for grammY's `client.apiRoot`. */
  readonly apiRoot: string;
  readonly token: string;
  /** The getMe result; pass as grammY's `botInfo` to skip the getMe call. */
  readonly botUser: UserFromGetMe;
  close(): Promise<void>;

  addPrivateChat(user: FakeUser): Chat;
  addForumGroup(options: ForumGroupOptions): Chat;
  /** A basic group (type "group") or a channel; the bot is not in it until addBotToGroup. */
  addGroupOrChannel(options: { type: 'group' | 'channel'; title: string; username?: string }): Chat;
  /**
   * `byUser` adds the bot to a group or channel: my_chat_member (left → member, or administrator
   * with `asAdmin`, the only way into a channel) and the new_chat_members service message.
   */
  addBotToGroup(chatId: number, byUser: FakeUser, options?: { asAdmin?: boolean }): Update[];
  /** False once the bot left the chat (leaveChat) or before it was added. */
  botIsMember(chatId: number): boolean;
  setBotRights(chatId: number, rights: { botIsAdmin?: boolean; canManageTopics?: boolean }): void;
  /** The user blocks (or unblocks) the bot: sends answer 403 "bot was blocked by the user". */
  setBlocked(chatId: number, blocked: boolean): void;

  userSendsText(input: UserMessageBase & { text: string }): SentByUser;
  userSendsDocument(
    input: UserMessageBase & {
      bytes: Uint8Array;
      fileName: string;
      mime?: string;
      caption?: string;
    },
  ): SentByUser;
  userSendsPhoto(
    input: UserMessageBase & {
      bytes: Uint8Array;
      caption?: string;
      width?: number;
      height?: number;
    },
  ): SentByUser;
  /** A voice note recorded in the app (OGG/Opus unless `mimeType` says otherwise). */
  userSendsVoice(input: UserMessageBase & VoiceInput): SentByUser;
  /** An audio file sent as music/audio (not as a document). */
  userSendsAudio(input: UserMessageBase & AudioInput): SentByUser;
  /** Returns the callback query id. */
  userPressesButton(input: {
    from: FakeUser;
    chatId: number;
    messageId: number;
    data: string;
  }): string;

  /** Current bot messages in a chat (deleted and service messages left out); threadId 1 = General. */
  messages(chatId: number, threadId?: number): MessageView[];
  /** Any message, including the user's and deleted ones. */
  message(chatId: number, messageId: number): MessageView | undefined;
  calls(filter?: string | ((call: CallRecord) => boolean)): CallRecord[];
  callbackAnswers(): CallbackAnswer[];
  chatActions(chatId?: number): ChatActionRecord[];
  commands(): CommandSet[];
  /** Commands for one scope/language, as getMyCommands would return them. */
  commandsFor(scope?: Record<string, unknown>, languageCode?: string): BotCommand[];
  /** The command menu a user sees in a chat, resolved through the scopes as Telegram does. */
  menuFor(input: {
    chatId: number;
    userId?: number;
    languageCode?: string;
    admin?: boolean;
  }): BotCommand[];
  topics(chatId: number): TopicState[];
  updates(): readonly Update[];
  /** True while a getUpdates long poll is waiting (the bot is "online"). */
  isPolling(): boolean;
  rateLimitHits(): RateLimitHit[];
  /** Resolves with the predicate's first truthy value; re-checked on every state change. */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: WaitOptions): Promise<T>;

  /** While on, every request gets 502 Bad Gateway (nginx HTML); waiting long polls too. */
  setOutage(on: boolean): void;
  /** The next call of `method` fails with this error instead of running. */
  failNext(method: string, failure: InjectedFailure): void;
  /** Every flood-limited call to the chat gets 429 for the next `seconds`. */
  rateLimitChat(chatId: number, seconds: number): void;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? '123:TEST';
  const now = options.now ?? Date.now;
  const botUser: UserFromGetMe = {
    id: Number(token.split(':')[0]) || 123,
    is_bot: true,
    first_name: 'Fake Bridge Bot',
    username: 'fake_bridge_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...options.botUser,
  };
  const store = new Store(botUser);
  const queue = new UpdateQueue(options.firstUpdateId ?? 1000, () => store.changed());
  const limiter = new RateLimiter(
    options.rateLimits === false ? { enabled: false } : options.rateLimits,
  );
  const faults = new Faults();
  const server = new FakeServer({ token, store, queue, limiter, faults, now });
  const port = await server.listen();
  const user = new FakeUserActions(store, queue, now);
  configureRich(store, options);
  let groups = 0;
  let basicGroups = 0;

  const requireChat = (chatId: number) => {
    const chat = store.chat(chatId);
    if (!chat) throw new Error(`unknown chat ${chatId}`);
    return chat;
  };

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botUser,
    close: () => server.close(),
    ...richTestApi(store, queue, now),

    addPrivateChat(person) {
      store.users.set(person.id, person);
      const chat = {
        id: person.id,
        type: 'private',
        first_name: person.first_name,
        ...(person.last_name !== undefined ? { last_name: person.last_name } : {}),
        ...(person.username !== undefined ? { username: person.username } : {}),
      } as Chat;
      store.chats.set(person.id, {
        chat,
        botIsMember: true,
        botIsAdmin: false,
        canManageTopics: false,
        blocked: false,
        nextMessageId: 1,
      });
      store.changed();
      return chat;
    },

    addForumGroup(group) {
      // Supergroup ids look like -100XXXXXXXXXX.
      const id = -(1_001_000_000_000 + ++groups);
      const chat = {
        id,
        type: 'supergroup',
        title: group.title,
        ...(group.username !== undefined ? { username: group.username } : {}),
        ...(group.isForum !== false ? { is_forum: true } : {}),
      } as Chat;
      store.chats.set(id, {
        chat,
        botIsMember: group.botIsMember ?? true,
        botIsAdmin: group.botIsMember !== false && (group.botIsAdmin ?? true),
        canManageTopics: group.canManageTopics ?? true,
        blocked: false,
        // Message 1 is the group's creation service message.
        nextMessageId: 2,
      });
      store.changed();
      return chat;
    },

    addGroupOrChannel({ type, title, username }) {
      // Basic group ids are small negative numbers; channels share the -100… range of supergroups.
      const id =
        type === 'group' ? -(4_000_000_000 + ++basicGroups) : -(1_001_000_000_000 + ++groups);
      const chat = { id, type, title, ...(username !== undefined ? { username } : {}) } as Chat;
      store.chats.set(id, {
        chat,
        botIsMember: false,
        botIsAdmin: false,
        canManageTopics: false,
        blocked: false,
        nextMessageId: 2,
      });
      store.changed();
      return chat;
    },

    addBotToGroup: (chatId, byUser, options = {}) =>
      user.addsBot({ from: byUser, chatId, ...options }),
    botIsMember: (chatId) => requireChat(chatId).botIsMember,

    setBotRights(chatId, rights) {
      const chat = requireChat(chatId);
      if (rights.botIsAdmin !== undefined) chat.botIsAdmin = rights.botIsAdmin;
      if (rights.canManageTopics !== undefined) chat.canManageTopics = rights.canManageTopics;
      store.changed();
    },

    setBlocked(chatId, blocked) {
      requireChat(chatId).blocked = blocked;
      store.changed();
    },

    userSendsText: (input) => user.sendsText(input),
    userSendsDocument: (input) => user.sendsDocument(input),
    userSendsPhoto: (input) => user.sendsPhoto(input),
    userSendsVoice: (input) => user.sendsVoice(input),
    userSendsAudio: (input) => user.sendsAudio(input),
    userPressesButton: (input) => user.pressesButton(input).callbackQueryId,

    messages(chatId, threadId) {
      // In private chats with topics, 1 can be a real topic (no General there).
      const isPrivate = store.chat(chatId)?.chat.type === 'private';
      const wanted = threadId === 1 && !isPrivate ? undefined : threadId;
      return store
        .chatMessages(chatId)
        .filter((m) => m.fromBot && !m.deleted && isContent(m))
        .filter((m) => threadId === undefined || m.threadId === wanted)
        .map((m) => viewOf(store, m));
    },

    message(chatId, messageId) {
      const stored = store.message(chatId, messageId);
      return stored ? viewOf(store, stored) : undefined;
    },

    calls(filter) {
      if (filter === undefined) return [...store.calls];
      if (typeof filter === 'string') return store.calls.filter((c) => c.method === filter);
      return store.calls.filter(filter);
    },

    callbackAnswers: () => [...store.callbackAnswers],
    chatActions: (chatId) =>
      store.chatActions.filter((a) => chatId === undefined || a.chatId === chatId),
    commands: () => [...store.commands.values()],
    commandsFor(scope = { type: 'default' }, languageCode = '') {
      return store.commands.get(`${canonical(scope)}|${languageCode}`)?.commands ?? [];
    },
    menuFor: (input) => menuFor(store, input),
    topics: (chatId) => [...store.topics.values()].filter((t) => t.chatId === chatId && !t.deleted),
    updates: () => queue.all(),
    isPolling: () => queue.isWaiting(),
    rateLimitHits: () => [...store.rateLimitHits],

    waitFor(predicate, { timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const value = predicate();
          if (value === undefined || value === null || value === false) return false;
          finish();
          resolve(value);
          return true;
        };
        const timer = setTimeout(() => {
          finish();
          const recent = store.calls
            .slice(-5)
            .map((c) => `${c.method}:${c.ok ? 'ok' : c.errorCode}`);
          reject(
            new Error(`waitFor timed out after ${timeoutMs} ms; last calls: ${recent.join(', ')}`),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          store.events.off('change', check);
        };
        if (!check()) store.events.on('change', check);
      });
    },

    setOutage(on) {
      faults.outage = on;
      if (on) queue.abortWaiting(new ApiError(502, 'Bad Gateway'));
      store.changed();
    },
    failNext: (method, failure) => faults.failNext(method, failure),
    rateLimitChat: (chatId, seconds) => limiter.force(chatId, seconds, now()),
  };
}

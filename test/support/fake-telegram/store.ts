// All server-side state of the fake: chats, topics, messages (with edit history), files,
// callback queries and the call log. Every mutation calls `changed()`, which is what
// `waitFor` listens to.
import { EventEmitter } from 'node:events';
import type {
  BotCommand,
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  RichBlock,
  User,
} from 'grammy/types';

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface ChatState {
  chat: Chat;
  /** False once the bot left (leaveChat) or before it was added (addBotToGroup). */
  botIsMember: boolean;
  botIsAdmin: boolean;
  canManageTopics: boolean;
  /** The user blocked the bot (private chats): sends fail with 403. */
  blocked: boolean;
  nextMessageId: number;
}

export interface TopicState {
  chatId: number;
  threadId: number;
  name: string;
  iconColor: number;
  iconCustomEmojiId: string | undefined;
  closed: boolean;
  deleted: boolean;
  createdByBot: boolean;
  createdAt: number;
}

export interface MessageVersion {
  at: number;
  text: string | undefined;
  /** The raw text/caption as sent, when sent with parse_mode HTML. */
  html: string | undefined;
  entities: MessageEntity[];
  replyMarkup: InlineKeyboardMarkup | undefined;
  /** Rich content of this version (sendRichMessage / editMessageText with rich_message). */
  rich?: RichVersion | undefined;
}

export interface RichVersion {
  /** As in Message.rich_message.blocks. */
  blocks: RichBlock[];
  /** The plain rendering (rich-content.ts richPlainText). */
  plainText: string;
  /** Which input form the bot used. */
  source: 'html' | 'markdown' | 'blocks';
}

export interface StoredMessage {
  chatId: number;
  messageId: number;
  threadId: number | undefined;
  fromBot: boolean;
  /** The Message object as Telegram would return it now. */
  message: Message;
  /** Every version, oldest first; the last one is current. */
  history: MessageVersion[];
  deleted: boolean;
  deletedAt: number | undefined;
  /** Reply keyboards etc. are not echoed on the Message, so keep what was sent. */
  rawReplyMarkup: unknown;
}

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  data: Buffer;
  fileName: string | undefined;
  mimeType: string | undefined;
}

export interface CallbackQueryState {
  id: string;
  chatId: number;
  messageId: number;
  fromId: number;
  data: string;
  at: number;
  answered: boolean;
}

export interface CallbackAnswer {
  callbackQueryId: string;
  text: string | undefined;
  showAlert: boolean;
  url: string | undefined;
  at: number;
}

export interface ChatActionRecord {
  chatId: number;
  threadId: number | undefined;
  action: string;
  at: number;
}

export interface CallRecord {
  method: string;
  /** Parameters as received; uploads appear as `{ upload: filename, size }`. */
  params: Record<string, unknown>;
  at: number;
  ok: boolean;
  errorCode: number | undefined;
  description: string | undefined;
  retryAfter: number | undefined;
  result: unknown;
}

export interface CommandSet {
  scope: Record<string, unknown>;
  languageCode: string;
  commands: BotCommand[];
}

export interface RateLimitHit {
  method: string;
  chatId: number | undefined;
  retryAfter: number;
  at: number;
}

export class Store {
  readonly events = new EventEmitter();
  readonly users = new Map<number, FakeUser>();
  readonly chats = new Map<number, ChatState>();
  readonly topics = new Map<string, TopicState>();
  readonly messages = new Map<string, StoredMessage>();
  readonly files = new Map<string, StoredFile>();
  readonly callbackQueries = new Map<string, CallbackQueryState>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly chatActions: ChatActionRecord[] = [];
  readonly calls: CallRecord[] = [];
  readonly rateLimitHits: RateLimitHit[] = [];
  /** Keyed by canonical scope JSON + language code. */
  readonly commands = new Map<string, CommandSet>();

  constructor(readonly botUser: User) {
    this.events.setMaxListeners(0);
  }

  changed(): void {
    this.events.emit('change');
  }

  chat(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  chatByUsername(username: string): ChatState | undefined {
    const wanted = username.replace(/^@/, '').toLowerCase();
    for (const state of this.chats.values()) {
      const name = (state.chat as { username?: string }).username;
      if (name?.toLowerCase() === wanted) return state;
    }
    return undefined;
  }

  topic(chatId: number, threadId: number): TopicState | undefined {
    return this.topics.get(`${chatId}:${threadId}`);
  }

  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  chatMessages(chatId: number): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.chatId === chatId)
      .sort((a, b) => a.messageId - b.messageId);
  }

  addMessage(stored: StoredMessage): StoredMessage {
    this.messages.set(`${stored.chatId}:${stored.messageId}`, stored);
    return stored;
  }

  addTopic(topic: TopicState): void {
    this.topics.set(`${topic.chatId}:${topic.threadId}`, topic);
  }
}

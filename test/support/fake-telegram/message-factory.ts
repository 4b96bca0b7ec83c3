// Builds Message objects the way Telegram returns them: per-chat increasing ids, `from`, `chat`,
// unix `date`, topic fields, and the implicit reply to the topic's creation message that
// Telegram attaches to every message inside a forum topic.
import type { InlineKeyboardMarkup, Message, MessageEntity, User } from 'grammy/types';
import type { ChatState, Store, StoredMessage } from './store';

export interface NewMessage {
  chat: ChatState;
  from: User;
  fromBot: boolean;
  threadId: number | undefined;
  replyTo: StoredMessage | undefined;
  /** Message fields besides the envelope: text/entities, document/caption, ... */
  content: Record<string, unknown>;
  text: string | undefined;
  html: string | undefined;
  entities: MessageEntity[];
  replyMarkup: InlineKeyboardMarkup | undefined;
  rawReplyMarkup?: unknown;
  now: number;
}

export function createMessage(store: Store, input: NewMessage): StoredMessage {
  const { chat, threadId } = input;
  const messageId = chat.nextMessageId++;
  const replyTo = input.replyTo ?? (threadId ? store.message(chat.chat.id, threadId) : undefined);
  const message = compact({
    message_id: messageId,
    from: input.from,
    chat: chat.chat,
    date: Math.floor(input.now / 1000),
    message_thread_id: threadId,
    is_topic_message: threadId !== undefined ? true : undefined,
    reply_to_message: replyTo ? withoutReply(replyTo.message) : undefined,
    ...input.content,
    reply_markup: input.replyMarkup,
  }) as unknown as Message;
  return store.addMessage({
    chatId: chat.chat.id,
    messageId,
    threadId,
    fromBot: input.fromBot,
    message,
    history: [
      {
        at: input.now,
        text: input.text,
        html: input.html,
        entities: input.entities,
        replyMarkup: input.replyMarkup,
      },
    ],
    deleted: false,
    deletedAt: undefined,
    rawReplyMarkup: input.rawReplyMarkup,
  });
}

export interface MessageEdit {
  /** Fields to set; `undefined` removes a field (e.g. entities or reply_markup). */
  content: Record<string, unknown>;
  text: string | undefined;
  html: string | undefined;
  entities: MessageEntity[];
  replyMarkup: InlineKeyboardMarkup | undefined;
  now: number;
}

export function editMessage(stored: StoredMessage, edit: MessageEdit): Message {
  stored.message = compact({
    ...(stored.message as unknown as Record<string, unknown>),
    ...edit.content,
    reply_markup: edit.replyMarkup,
    edit_date: Math.floor(edit.now / 1000),
  }) as unknown as Message;
  stored.history.push({
    at: edit.now,
    text: edit.text,
    html: edit.html,
    entities: edit.entities,
    replyMarkup: edit.replyMarkup,
  });
  return stored.message;
}

/** Telegram omits empty arrays and absent values rather than sending null. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

// A replied-to message never carries its own reply_to_message.
function withoutReply(message: Message): Message {
  const copy = { ...(message as unknown as Record<string, unknown>) };
  delete copy['reply_to_message'];
  return copy as unknown as Message;
}

/** Deterministic JSON (sorted keys) for "is it the same?" comparisons. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

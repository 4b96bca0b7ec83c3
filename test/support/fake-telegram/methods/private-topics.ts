// Topics in private chats (Bot API 9.3/9.4): with topic mode on (getMe.has_topics_enabled, set
// in @BotFather) the bot creates, edits and deletes topics in its private chat with a user, and
// messages there carry message_thread_id + is_topic_message, as in forum supergroups. Without
// topic mode a private chat "is not a forum": the same 400 a plain supergroup gets.
import type { Message, UserFromGetMe } from 'grammy/types';
import { resolveChat, type MethodContext, type MethodHandler } from '../context';
import { ApiError, badRequest, threadNotFound } from '../errors';
import { createMessage } from '../message-factory';
import type { Params } from '../params';
import { richState } from '../rich-state';
import type { ChatState, Store, TopicState } from '../store';
import { TOPIC_ICON_COLORS } from './forum';

export const PRIVATE_TOPIC_ERRORS = { notForum: 'Bad Request: the chat is not a forum' } as const;

/** The getMe user: startFakeTelegram builds the Store from a full UserFromGetMe. */
export const botInfo = (store: Store): UserFromGetMe => store.botUser as UserFromGetMe;

export function privateTopicsEnabled(store: Store): boolean {
  return botInfo(store).has_topics_enabled && !richState(store).legacy;
}

/** message_thread_id in a private chat: an existing topic, with topic mode on. */
export function resolvePrivateThread(store: Store, chat: ChatState, threadId: number): number {
  const topic = store.topic(chat.chat.id, threadId);
  if (!privateTopicsEnabled(store) || !topic) throw threadNotFound();
  if (topic.deleted) throw badRequest('TOPIC_DELETED');
  return threadId;
}

function validName(name: string | undefined): string {
  if (name === undefined || name.trim() === '' || name.length > 128) {
    throw badRequest('TOPIC_NAME_INVALID');
  }
  return name;
}

/** Creates the topic and its forum_topic_created service message (whose id is the thread id). */
export function openPrivateTopic(
  store: Store,
  chat: ChatState,
  input: {
    name: string;
    iconColor: number;
    iconCustomEmojiId?: string;
    from: Message['from'] & object;
    byBot: boolean;
    now: number;
  },
): { topic: TopicState; message: Message } {
  const created = {
    name: input.name,
    icon_color: input.iconColor,
    ...(input.iconCustomEmojiId ? { icon_custom_emoji_id: input.iconCustomEmojiId } : {}),
  };
  const service = createMessage(store, {
    chat,
    from: input.from,
    fromBot: input.byBot,
    threadId: undefined,
    replyTo: undefined,
    content: { forum_topic_created: created },
    text: undefined,
    html: undefined,
    entities: [],
    replyMarkup: undefined,
    now: input.now,
  });
  const threadId = service.messageId;
  service.threadId = threadId;
  service.message = { ...service.message, message_thread_id: threadId, is_topic_message: true };
  const topic: TopicState = {
    chatId: chat.chat.id,
    threadId,
    name: input.name,
    iconColor: input.iconColor,
    iconCustomEmojiId: input.iconCustomEmojiId,
    closed: false,
    deleted: false,
    createdByBot: input.byBot,
    createdAt: input.now,
  };
  store.addTopic(topic);
  store.changed();
  return { topic, message: service.message };
}

const inPrivateChat = (ctx: MethodContext, params: Params): ChatState | undefined => {
  const chat = resolveChat(ctx, params);
  return chat.chat.type === 'private' ? chat : undefined;
};

function requireTopicMode(ctx: MethodContext): void {
  if (!privateTopicsEnabled(ctx.store)) throw new ApiError(400, PRIVATE_TOPIC_ERRORS.notForum);
}

/** createForumTopic: private chats here, everything else to the forum handler. */
export function privateCreateForumTopic(forum: MethodHandler): MethodHandler {
  return (ctx, params) => {
    const chat = inPrivateChat(ctx, params);
    if (!chat) return forum(ctx, params);
    requireTopicMode(ctx);
    const iconColor = params.optInt('icon_color') ?? TOPIC_ICON_COLORS[0]!;
    if (!TOPIC_ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
    const iconCustomEmojiId = params.optString('icon_custom_emoji_id') || undefined;
    const { topic } = openPrivateTopic(ctx.store, chat, {
      name: validName(params.optString('name')),
      iconColor,
      ...(iconCustomEmojiId ? { iconCustomEmojiId } : {}),
      from: ctx.store.botUser,
      byBot: true,
      now: ctx.now(),
    });
    return {
      message_thread_id: topic.threadId,
      name: topic.name,
      icon_color: topic.iconColor,
      ...(iconCustomEmojiId ? { icon_custom_emoji_id: iconCustomEmojiId } : {}),
    };
  };
}

function privateTopic(ctx: MethodContext, params: Params, chat: ChatState): TopicState {
  requireTopicMode(ctx);
  const threadId = params.int('message_thread_id', 'message thread not found');
  const topic = ctx.store.topic(chat.chat.id, threadId);
  if (!topic || topic.deleted) throw badRequest('TOPIC_ID_INVALID');
  return topic;
}

export function privateEditForumTopic(forum: MethodHandler): MethodHandler {
  return (ctx, params) => {
    const chat = inPrivateChat(ctx, params);
    if (!chat) return forum(ctx, params);
    const topic = privateTopic(ctx, params, chat);
    const name = params.optString('name') ? validName(params.optString('name')) : topic.name;
    const emoji = params.optString('icon_custom_emoji_id');
    const iconCustomEmojiId = emoji === undefined ? topic.iconCustomEmojiId : emoji || undefined;
    if (name === topic.name && iconCustomEmojiId === topic.iconCustomEmojiId) {
      throw badRequest('TOPIC_NOT_MODIFIED');
    }
    topic.name = name;
    topic.iconCustomEmojiId = iconCustomEmojiId;
    return true;
  };
}

export function privateDeleteForumTopic(forum: MethodHandler): MethodHandler {
  return (ctx, params) => {
    const chat = inPrivateChat(ctx, params);
    if (!chat) return forum(ctx, params);
    const topic = privateTopic(ctx, params, chat);
    topic.deleted = true;
    const now = ctx.now();
    for (const message of ctx.store.chatMessages(topic.chatId)) {
      if (message.threadId === topic.threadId && !message.deleted) {
        message.deleted = true;
        message.deletedAt = now;
      }
    }
    return true;
  };
}

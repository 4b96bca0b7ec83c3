// createForumTopic / editForumTopic / closeForumTopic / reopenForumTopic / deleteForumTopic.
// Only forum supergroups; creating needs admin + can_manage_topics, managing a topic needs the
// same unless the bot created it (as the Bot API docs say).
import type { Message } from 'grammy/types';
import { isForum, resolveChat, type MethodContext, type MethodHandler } from '../context';
import { badRequest } from '../errors';
import { createMessage } from '../message-factory';
import type { Params } from '../params';
import type { ChatState, Store, TopicState } from '../store';

// The six colours the Bot API allows for icon_color; the first is the default.
export const TOPIC_ICON_COLORS = [7322096, 16766590, 13338331, 9367192, 16749490, 16478047];

function forumChat(ctx: MethodContext, params: Params): ChatState {
  const chat = resolveChat(ctx, params);
  if (!isForum(chat)) throw badRequest('the chat is not a forum');
  return chat;
}

function canManage(chat: ChatState): boolean {
  return chat.botIsAdmin && chat.canManageTopics;
}

export function validTopicName(name: string | undefined): string {
  if (name === undefined || name.trim() === '' || name.length > 128) {
    throw badRequest('TOPIC_NAME_INVALID');
  }
  return name;
}

/**
 * Creates the topic and its forum_topic_created service message, whose id is the thread id: the
 * same in a forum supergroup and in a private chat with topic mode on.
 */
export function openTopic(
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

/** createForumTopic's result: the ForumTopic. */
export const createdTopicResult = (topic: TopicState) => ({
  message_thread_id: topic.threadId,
  name: topic.name,
  icon_color: topic.iconColor,
  ...(topic.iconCustomEmojiId ? { icon_custom_emoji_id: topic.iconCustomEmojiId } : {}),
});

/** editForumTopic once the new name is settled: an edit that changes nothing is refused. */
export function editTopic(topic: TopicState, name: string, params: Params): true {
  const emoji = params.optString('icon_custom_emoji_id');
  const iconCustomEmojiId = emoji === undefined ? topic.iconCustomEmojiId : emoji || undefined;
  if (name === topic.name && iconCustomEmojiId === topic.iconCustomEmojiId) {
    throw badRequest('TOPIC_NOT_MODIFIED');
  }
  topic.name = name;
  topic.iconCustomEmojiId = iconCustomEmojiId;
  return true;
}

/** deleteForumTopic: the topic goes, and every message in it with it. */
export function deleteTopic(store: Store, topic: TopicState, now: number): true {
  topic.deleted = true;
  for (const message of store.chatMessages(topic.chatId)) {
    if (message.threadId === topic.threadId && !message.deleted) {
      message.deleted = true;
      message.deletedAt = now;
    }
  }
  return true;
}

function managedTopic(ctx: MethodContext, params: Params): TopicState {
  const chat = forumChat(ctx, params);
  const threadId = params.int('message_thread_id', 'message thread not found');
  const topic = ctx.store.topic(chat.chat.id, threadId);
  if (!topic || topic.deleted) throw badRequest('TOPIC_ID_INVALID');
  if (!canManage(chat) && !topic.createdByBot)
    throw badRequest('not enough rights to manage topics');
  return topic;
}

export const createForumTopic: MethodHandler = (ctx, params) => {
  const chat = forumChat(ctx, params);
  if (!canManage(chat)) throw badRequest('not enough rights to create a topic');
  const name = validTopicName(params.optString('name'));
  const iconColor = params.optInt('icon_color') ?? TOPIC_ICON_COLORS[0]!;
  if (!TOPIC_ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
  const iconCustomEmojiId = params.optString('icon_custom_emoji_id') || undefined;
  const { topic } = openTopic(ctx.store, chat, {
    name,
    iconColor,
    ...(iconCustomEmojiId ? { iconCustomEmojiId } : {}),
    from: ctx.store.botUser,
    byBot: true,
    now: ctx.now(),
  });
  return createdTopicResult(topic);
};

export const editForumTopic: MethodHandler = (ctx, params) => {
  const topic = managedTopic(ctx, params);
  const name = params.has('name') ? validTopicName(params.optString('name')) : topic.name;
  return editTopic(topic, name, params);
};

function setClosed(closed: boolean): MethodHandler {
  return (ctx, params) => {
    const topic = managedTopic(ctx, params);
    if (topic.closed === closed) throw badRequest('TOPIC_NOT_MODIFIED');
    topic.closed = closed;
    return true;
  };
}

export const closeForumTopic = setClosed(true);
export const reopenForumTopic = setClosed(false);

export const deleteForumTopic: MethodHandler = (ctx, params) =>
  deleteTopic(ctx.store, managedTopic(ctx, params), ctx.now());

// createForumTopic / editForumTopic / closeForumTopic / reopenForumTopic / deleteForumTopic.
// Only forum supergroups; creating needs admin + can_manage_topics, managing a topic needs the
// same unless the bot created it (as the Bot API docs say).
import { isForum, resolveChat, type MethodContext, type MethodHandler } from '../context';
import { badRequest } from '../errors';
import { createMessage } from '../message-factory';
import type { Params } from '../params';
import type { ChatState, TopicState } from '../store';

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

function validName(name: string | undefined): string {
  if (name === undefined || name.trim() === '' || name.length > 128) {
    throw badRequest('TOPIC_NAME_INVALID');
  }
  return name;
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
  const name = validName(params.optString('name'));
  const iconColor = params.optInt('icon_color') ?? TOPIC_ICON_COLORS[0]!;
  if (!TOPIC_ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
  const iconCustomEmojiId = params.optString('icon_custom_emoji_id') || undefined;
  const now = ctx.now();
  // The topic's id is the id of its "topic created" service message.
  const created = {
    name,
    icon_color: iconColor,
    ...(iconCustomEmojiId ? { icon_custom_emoji_id: iconCustomEmojiId } : {}),
  };
  const service = createMessage(ctx.store, {
    chat,
    from: ctx.store.botUser,
    fromBot: true,
    threadId: undefined,
    replyTo: undefined,
    content: { forum_topic_created: created },
    text: undefined,
    html: undefined,
    entities: [],
    replyMarkup: undefined,
    now,
  });
  const threadId = service.messageId;
  service.threadId = threadId;
  service.message = { ...service.message, message_thread_id: threadId, is_topic_message: true };
  ctx.store.addTopic({
    chatId: chat.chat.id,
    threadId,
    name,
    iconColor,
    iconCustomEmojiId,
    closed: false,
    deleted: false,
    createdByBot: true,
    createdAt: now,
  });
  return { message_thread_id: threadId, ...created };
};

export const editForumTopic: MethodHandler = (ctx, params) => {
  const topic = managedTopic(ctx, params);
  const name = params.has('name') ? validName(params.optString('name')) : topic.name;
  const emoji = params.optString('icon_custom_emoji_id');
  const iconCustomEmojiId = emoji === undefined ? topic.iconCustomEmojiId : emoji || undefined;
  if (name === topic.name && iconCustomEmojiId === topic.iconCustomEmojiId) {
    throw badRequest('TOPIC_NOT_MODIFIED');
  }
  topic.name = name;
  topic.iconCustomEmojiId = iconCustomEmojiId;
  return true;
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

export const deleteForumTopic: MethodHandler = (ctx, params) => {
  const topic = managedTopic(ctx, params);
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

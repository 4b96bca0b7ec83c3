// Topics in private chats (Bot API 9.3/9.4): with topic mode on (getMe.has_topics_enabled, set
// in @BotFather) the bot creates, edits and deletes topics in its private chat with a user, and
// messages there carry message_thread_id + is_topic_message, as in forum supergroups. Without
// topic mode a private chat "is not a forum": the same 400 a plain supergroup gets.
import type { UserFromGetMe } from 'grammy/types';
import { resolveChat, type MethodContext, type MethodHandler } from '../context';
import { ApiError, badRequest, threadNotFound } from '../errors';
import type { Params } from '../params';
import { richState } from '../rich-state';
import type { ChatState, Store, TopicState } from '../store';
import {
  createdTopicResult,
  deleteTopic,
  editTopic,
  openTopic,
  TOPIC_ICON_COLORS,
  validTopicName,
} from './forum';

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

/** userCreatesTopic (rich-api.ts) opens a private topic as createForumTopic opens one. */
export { openTopic as openPrivateTopic } from './forum';

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
    const { topic } = openTopic(ctx.store, chat, {
      name: validTopicName(params.optString('name')),
      iconColor,
      ...(iconCustomEmojiId ? { iconCustomEmojiId } : {}),
      from: ctx.store.botUser,
      byBot: true,
      now: ctx.now(),
    });
    return createdTopicResult(topic);
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
    // An empty name keeps the topic's name, as the Bot API documents it.
    const name = params.optString('name') ? validTopicName(params.optString('name')) : topic.name;
    return editTopic(topic, name, params);
  };
}

export function privateDeleteForumTopic(forum: MethodHandler): MethodHandler {
  return (ctx, params) => {
    const chat = inPrivateChat(ctx, params);
    if (!chat) return forum(ctx, params);
    return deleteTopic(ctx.store, privateTopic(ctx, params, chat), ctx.now());
  };
}

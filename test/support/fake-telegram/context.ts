// What every Bot API method handler gets, plus the chat/thread/reply lookups they share.
import type { Store, ChatState, StoredMessage } from './store';
import type { UpdateQueue } from './update-queue';
import type { Params } from './params';
import { badRequest, chatNotFound, forbidden, notMember, threadNotFound } from './errors';
import { resolvePrivateThread } from './methods/private-topics';

export interface MethodContext {
  store: Store;
  queue: UpdateQueue;
  now(): number;
  /** Runs the listener if the client goes away before the answer (aborted long poll). */
  onClientGone(listener: () => void): void;
}

export type MethodHandler = (ctx: MethodContext, params: Params) => unknown;

export function isForum(chat: ChatState): boolean {
  return chat.chat.type === 'supergroup' && chat.chat.is_forum === true;
}

export function findChat(ctx: MethodContext, id: number | string): ChatState | undefined {
  return typeof id === 'string' ? ctx.store.chatByUsername(id) : ctx.store.chat(id);
}

export function resolveChat(ctx: MethodContext, params: Params): ChatState {
  const chat = findChat(ctx, params.chatId());
  if (!chat) throw chatNotFound();
  if (chat.blocked) throw forbidden('bot was blocked by the user');
  if (!chat.botIsMember) throw notMember(chat.chat.type);
  return chat;
}

/**
 * message_thread_id must name an open topic of a forum. The General topic (id 1) is addressed
 * by omitting the parameter: Telegram answers "message thread not found" for id 1.
 */
export function resolveThread(
  ctx: MethodContext,
  chat: ChatState,
  params: Params,
): number | undefined {
  const threadId = params.optInt('message_thread_id');
  if (threadId === undefined || threadId === 0) return undefined;
  if (chat.chat.type === 'private') return resolvePrivateThread(ctx.store, chat, threadId);
  if (!isForum(chat) || threadId === 1) throw threadNotFound();
  const topic = ctx.store.topic(chat.chat.id, threadId);
  if (!topic) throw threadNotFound();
  if (topic.deleted) throw badRequest('TOPIC_DELETED');
  // Admins with can_manage_topics may still post into closed topics.
  if (topic.closed && !(chat.botIsAdmin && chat.canManageTopics)) throw badRequest('TOPIC_CLOSED');
  return threadId;
}

interface ReplyParameters {
  message_id?: number;
  allow_sending_without_reply?: boolean;
}

/** reply_parameters (or the legacy reply_to_message_id); a reply lands in its target's topic. */
export function resolveReply(
  ctx: MethodContext,
  chat: ChatState,
  threadId: number | undefined,
  params: Params,
): { replyTo: StoredMessage | undefined; threadId: number | undefined } {
  const reply = params.optJson<ReplyParameters>('reply_parameters') ?? {};
  const messageId = reply.message_id ?? params.optInt('reply_to_message_id');
  if (messageId === undefined) return { replyTo: undefined, threadId };
  const target = ctx.store.message(chat.chat.id, messageId);
  if (!target || target.deleted) {
    const allow =
      reply.allow_sending_without_reply === true || params.bool('allow_sending_without_reply');
    if (allow) return { replyTo: undefined, threadId };
    throw badRequest('message to be replied not found');
  }
  return { replyTo: target, threadId: threadId ?? target.threadId };
}

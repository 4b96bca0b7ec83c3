// sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, sendChatAction.
import type { MessageEntity } from 'grammy/types';
import { isForum, resolveChat, resolveReply, resolveThread, type MethodHandler } from '../context';
import { badRequest, NOT_MODIFIED } from '../errors';
import { formatMessageText } from '../formatted-text';
import { canonical, createMessage, editMessage } from '../message-factory';
import type { Params } from '../params';
import { parseReplyMarkup } from '../reply-markup';
import type { StoredMessage } from '../store';
import type { MethodContext } from '../context';

function textInput(params: Params): Parameters<typeof formatMessageText>[0] {
  return {
    text: params.optString('text') ?? '',
    parseMode: params.optString('parse_mode'),
    entities: params.optJson<MessageEntity[]>('entities', 'message entities JSON object'),
  };
}

function htmlSource(params: Params, field: string): string | undefined {
  return params.optString('parse_mode')?.toLowerCase() === 'html'
    ? params.optString(field)
    : undefined;
}

export const sendMessage: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const thread = resolveThread(ctx, chat, params);
  const formatted = formatMessageText(textInput(params));
  const markup = parseReplyMarkup(params);
  const { replyTo, threadId } = resolveReply(ctx, chat, thread, params);
  return createMessage(ctx.store, {
    chat,
    from: ctx.store.botUser,
    fromBot: true,
    threadId,
    replyTo,
    content: { text: formatted.text, entities: formatted.entities },
    text: formatted.text,
    html: htmlSource(params, 'text'),
    entities: formatted.entities,
    replyMarkup: markup.inline,
    rawReplyMarkup: markup.raw,
    now: ctx.now(),
  }).message;
};

function findEditable(ctx: MethodContext, params: Params): StoredMessage {
  if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = resolveChat(ctx, params);
  const messageId = params.int('message_id', 'message identifier is not specified');
  const stored = ctx.store.message(chat.chat.id, messageId);
  if (!stored || stored.deleted) throw badRequest('message to edit not found');
  if (!stored.fromBot) throw badRequest("message can't be edited");
  return stored;
}

export const editMessageText: MethodHandler = (ctx, params) => {
  const stored = findEditable(ctx, params);
  const current = stored.history.at(-1)!;
  if (current.text === undefined || stored.message.text === undefined) {
    throw badRequest('there is no text in the message to edit');
  }
  const formatted = formatMessageText(textInput(params));
  // Omitting reply_markup removes the inline keyboard, as in Telegram.
  const markup = parseReplyMarkup(params);
  if (
    formatted.text === current.text &&
    canonical(formatted.entities) === canonical(current.entities) &&
    canonical(markup.inline) === canonical(current.replyMarkup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  return editMessage(stored, {
    content: {
      text: formatted.text,
      entities: formatted.entities.length > 0 ? formatted.entities : undefined,
    },
    text: formatted.text,
    html: htmlSource(params, 'text'),
    entities: formatted.entities,
    replyMarkup: markup.inline,
    now: ctx.now(),
  });
};

export const editMessageReplyMarkup: MethodHandler = (ctx, params) => {
  const stored = findEditable(ctx, params);
  const current = stored.history.at(-1)!;
  const markup = parseReplyMarkup(params);
  if (canonical(markup.inline) === canonical(current.replyMarkup)) throw badRequest(NOT_MODIFIED);
  return editMessage(stored, {
    content: {},
    text: current.text,
    html: current.html,
    entities: current.entities,
    replyMarkup: markup.inline,
    now: ctx.now(),
  });
};

export const deleteMessage: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const messageId = params.int('message_id', 'message identifier is not specified');
  const stored = ctx.store.message(chat.chat.id, messageId);
  if (!stored || stored.deleted) throw badRequest('message to delete not found');
  // Topic-creation service messages can't be deleted (Bot API 6.3 notes).
  if ('forum_topic_created' in stored.message) throw badRequest("message can't be deleted");
  // In groups only admins may delete other people's messages.
  if (!stored.fromBot && chat.chat.type !== 'private' && !chat.botIsAdmin) {
    throw badRequest("message can't be deleted");
  }
  stored.deleted = true;
  stored.deletedAt = ctx.now();
  return true;
};

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

export const sendChatAction: MethodHandler = (ctx, params) => {
  const chat = resolveChat(ctx, params);
  const threadId = isForum(chat) ? resolveThread(ctx, chat, params) : undefined;
  const action = params.optString('action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  ctx.store.chatActions.push({ chatId: chat.chat.id, threadId, action, at: ctx.now() });
  return true;
};
